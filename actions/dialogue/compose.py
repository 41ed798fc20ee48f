"""The answer to one question frame, composed from the facts of content/knowledge.yml.

Not one paragraph per topic: the fee for that matter and age, fingerprints from 6 for
that child, pick-up from 16 for that person, the Fiktionswirkung for that document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from actions.dialogue.frame import QuestionFrame
from actions.dialogue.vocabulary import Vocabulary, load_vocabulary
from actions.fields import country_name, eu_member
from bot import knowledge as kb

# Topics answered by one answer of content/knowledge.yml whatever the frame says.
TOPIC_ANSWERS = {
    "eat": "faq_eat", "appointments": "faq_appointments", "status": "faq_status", "uploads": "faq_uploads",
    "titles": "faq_titles", "contact": "faq_contact_channels", "settlement_info": "faq_settlement_info",
    "not_covered": "faq_not_covered", "human": "ask_human", "documents": "faq_documents",
    "pickup": "faq_pickup_proxy", "fiktion": "faq_fiktionswirkung",
}


@dataclass(frozen=True)
class Reply:
    """One message: a text, or a domain response by name (with its variables); buttons optional."""

    text: str | None = None
    response: str | None = None
    buttons: tuple[dict[str, str], ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    answer: str | None = None   # the knowledge answer it comes from (its `offer` may apply)


def _facts() -> dict:
    return kb.load_knowledge().facts


def _fee(frame: QuestionFrame, language: str, vocabulary: Vocabulary) -> list[Reply]:
    matter = vocabulary.matter(frame.matter)
    case = matter.fee if matter else None
    if frame.title == "blue_card" and case is None:
        case = "extension" if frame.matter == "extension" else None
    if case is None and not frame.minor and frame.age is None:
        return [Reply(text=kb.answer("faq_fees", language), answer="faq_fees")]
    request = kb.FeeRequest(case=case, minor=frame.minor, age=frame.age)
    return [Reply(text=kb.quote_fee(request, language).text)]


def _appearance(frame: QuestionFrame, language: str) -> list[Reply]:
    if frame.person == "child" or frame.age is not None and frame.minor:
        if frame.age is None:
            return [Reply(text=kb.sentence("appearance_child", language))]
        key = "appearance_child_from_age" if frame.age >= _facts()["fingerprints_from_age"] else "appearance_child_under_age"
        return [Reply(text=kb.sentence(key, language, age=str(frame.age)))]
    return [Reply(text=kb.sentence("appearance", language))]


def _pickup(frame: QuestionFrame, language: str) -> list[Reply]:
    if frame.age is not None and frame.age < _facts()["pickup_proxy_min_age"]:
        return [Reply(text=kb.sentence("pickup_child_under_age", language, age=str(frame.age)))]
    if frame.age is not None and frame.minor:
        # "and my 17-year-old son's card?": from 16 an authorised person may pick it up.
        return [Reply(text=kb.sentence("pickup_child_from_age", language, age=str(frame.age)),
                      answer="faq_pickup_proxy")]
    return [Reply(text=kb.answer("faq_pickup_proxy", language), answer="faq_pickup_proxy")]


def _fiktion(frame: QuestionFrame, language: str) -> list[Reply]:
    if frame.title == "schengen_visa":
        return [Reply(text=kb.sentence("fiktion_schengen", language))]
    if frame.expired:
        return [Reply(text=kb.sentence("fiktion_expired", language))]
    if frame.title == "blue_card":
        return [Reply(text=kb.sentence("fiktion_blue_card", language))]
    if frame.title == "national_visa" or frame.matter == "visa_extension":
        return [Reply(text=kb.sentence("fiktion_national_visa", language))]
    return [Reply(text=kb.answer("faq_fiktionswirkung", language), answer="faq_fiktionswirkung")]


def _documents(frame: QuestionFrame, language: str) -> list[Reply]:
    if frame.occasion == "pickup":
        # "what does she need for that?" after a pick-up question: the authorisation, not the client's list.
        return [Reply(text=kb.sentence("pickup_documents", language))]
    replies = [Reply(text=kb.answer("faq_documents", language), answer="faq_documents")]
    if frame.matter == "settlement":
        # "what do I need for a settlement permit?": staff explain its requirements (the seed), then the list.
        replies.insert(0, Reply(text=kb.answer("faq_settlement_info", language), answer="faq_settlement_info"))
    if frame.person == "child" or frame.minor:
        replies.append(Reply(text=kb.sentence("documents_child", language)))
    return replies


def _titles(frame: QuestionFrame, language: str) -> list[Reply]:
    """Who needs a title; for a person of a named nationality, whether they do (EU citizens not)."""
    eu = eu_member(frame.nationality) if frame.nationality else False
    if frame.nationality and eu is not False:
        key = "titles_eu" if eu else "titles_eu_like"
        return [Reply(text=kb.sentence(key, language, country=country_name(frame.nationality, language)))]
    return [Reply(text=kb.answer("faq_titles", language), answer="faq_titles")]


def _process(frame: QuestionFrame, language: str) -> list[Reply]:
    if frame.matter == "lost_card":
        return [Reply(text=kb.sentence("process_lost_card", language))]
    if frame.expiring and frame.title == "schengen_visa":
        # "my Schengen visa runs out next week, what now?": no Fiktionswirkung for it.
        return [Reply(text=kb.sentence("fiktion_schengen", language))]
    if frame.expiring:
        # "Meine Aufenthaltserlaubnis läuft in zwei Wochen ab. Was muss ich tun?": apply on time.
        return [Reply(text=kb.sentence("process_expiring", language))]
    return [Reply(text=kb.sentence("process", language))]


def _appointments(frame: QuestionFrame, language: str) -> list[Reply]:
    """Appointments; for the pick-up of the card: both visits need one (the visits sentence)."""
    if frame.occasion == "pickup":
        return [Reply(text=kb.sentence("visits", language)), Reply(text=kb.sentence("phone", language))]
    return [Reply(text=kb.answer("faq_appointments", language), answer="faq_appointments")]


def _purposes(frame: QuestionFrame, language: str) -> list[Reply]:
    """The purposes the seeds name; a purpose asked about: named there (sentence `purpose_<id>`),
    or honestly not stated (`purpose_other`)."""
    if frame.purpose is None:
        return [Reply(text=kb.sentence("purposes", language))]
    key = f"purpose_{frame.purpose}"
    return [Reply(text=kb.sentence(key if key in kb.load_knowledge().sentences else "purpose_other", language))]


def _requirements(frame: QuestionFrame, language: str) -> list[Reply]:
    """Only the settlement permit's requirements have an answer in the seeds (staff explain them);
    for any other matter the answer says they are not published, and who explains them."""
    if frame.matter == "settlement":
        return [Reply(text=kb.answer("faq_settlement_info", language), answer="faq_settlement_info")]
    return [Reply(text=kb.sentence("requirements", language), answer="faq_not_covered")]


def _depends(frame: QuestionFrame, language: str) -> list[Reply]:
    """What the thing asked before depends on: for a fee the matter, the visa extension's reason
    and the age (the seeds say so); for anything else the published information does not say."""
    if frame.occasion == "fee":
        key = "fee_depends_visa" if frame.matter == "visa_extension" else "fee_depends"
        return [Reply(text=kb.sentence(key, language))]
    return [Reply(text=kb.sentence("depends_other", language), answer="faq_not_covered")]


def _by_phone(frame: QuestionFrame, language: str) -> list[Reply]:
    """Whether a matter can be done by phone: the application is made in person (with an appointment,
    made by phone); the settlement permit's requirements are explained in person or by phone."""
    key = "by_phone_settlement" if frame.matter == "settlement" else "by_phone"
    return [Reply(text=kb.sentence(key, language))]


def compose(frame: QuestionFrame, language: str, vocabulary: Vocabulary | None = None) -> list[Reply]:
    """The messages answering one question."""
    vocabulary = vocabulary or load_vocabulary()
    topic = frame.topic or "not_covered"
    if topic == "fee":
        return _fee(frame, language, vocabulary)
    if topic == "appearance":
        return _appearance(frame, language)
    if topic == "pickup":
        return _pickup(frame, language)
    if topic == "fiktion":
        return _fiktion(frame, language)
    if topic == "documents":
        return _documents(frame, language)
    if topic == "process":
        return _process(frame, language)
    if topic == "titles":
        return _titles(frame, language)
    if topic == "requirements":
        return _requirements(frame, language)
    if topic == "purposes":
        return _purposes(frame, language)
    if topic == "appointments":
        return _appointments(frame, language)
    if topic == "depends":
        return _depends(frame, language)
    if topic == "by_phone":
        return _by_phone(frame, language)
    if topic in kb.load_knowledge().sentences and topic not in TOPIC_ANSWERS:
        # A topic with a sentence of its own name in content/knowledge.yml (visits, old_titles ...).
        return [Reply(text=kb.sentence(topic, language))]
    intent = TOPIC_ANSWERS.get(topic, "faq_not_covered")
    return [Reply(text=kb.answer(intent, language), answer=intent)]


def not_covered(language: str) -> list[Reply]:
    return [Reply(text=kb.answer("faq_not_covered", language), answer="faq_not_covered")]
