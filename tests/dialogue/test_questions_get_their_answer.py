"""Questions get their own answer: never the start of a form, never a nearby paragraph.

Kinds from a blind set (issue 14): a question that started a form, a status inquiry, a wrong
topic, two persons or a matter's fee in one question, a title that runs out soon, and
questions the published information does not answer. Wordings written fresh for these tests.
"""

from __future__ import annotations

import pytest

from actions.dialogue.executor import execute
from actions.dialogue.understand import Context, Parse, interpret, split_clauses
from actions.dialogue.vocabulary import load_vocabulary
from tests.dialogue.helpers import said, turn

PHONES = "99-2421"


def answer(text: str, language: str, intent: str | None = None, confidence: float = 0.9):
    context = Context(language=language)
    return execute(interpret(Parse(text, intent, confidence if intent else 0.0), context), context)


def buttons(outcome) -> list[str]:
    return [b["payload"] for r in outcome.replies for b in r.buttons]


# -- 1. a question never starts a form --------------------------------------------------------

@pytest.mark.parametrize("text, intent, expected", [
    # a question word in the middle, no question mark: the NLU's enquiry intent does not start the form
    ("abholung vom eat durch vollmacht ab welchem alter", "enquiry_card_pickup", ["ask pickup"]),
    ("karte abholen lassen bis wann geht das", "enquiry_card_pickup", ["ask pickup"]),
    ("collection by an authorised person from what age", "enquiry_card_pickup", ["ask pickup"]),
    ("mein titel läuft nächsten monat ab was soll ich tun", "enquiry_extend_permit", ["ask process extension"]),
    # no topic, but a question: honest, never the form
    ("is there some other way to call u, nobody ever picks up", "enquiry_other", ["ask phone_busy"]),
    ("gibts noch ne andere nummer, da is dauernd besetzt", "enquiry_other", ["ask phone_busy"]),
    ("how can i get my motorbike registered under my new name?", "enquiry_change_data", ["out_of_scope"]),
    ("wie kann ich mein Auto auf meinen neuen Namen ummelden?", "enquiry_change_data", ["out_of_scope"]),
    ("kann ich meinen Führerschein hier umschreiben lassen?", "enquiry_change_data", ["out_of_scope"]),
    ("wer ist eigentlich mein Sachbearbeiter bei der Behörde?", "enquiry_other", ["not_covered"]),
])
def test_a_question_is_answered_not_a_form(text, intent, expected):
    assert turn(text, intent=intent) == expected


@pytest.mark.parametrize("text, intent, concern", [
    ("Ich möchte die Abholung meiner Karte anmelden.", "enquiry_card_pickup", "card_pickup"),
    ("please start an extension of my residence permit", "enquiry_extend_permit", "residence_permit_extension"),
    ("I lost my card, what should I do", "enquiry_lost_card", "lost_card"),
])
def test_a_wish_to_apply_still_starts_the_form(text, intent, concern):
    assert turn(text, intent=intent) == [f"start {concern}"]


def test_a_typo_question_is_no_goodbye():
    outcome = answer("were are the cards made", "en", intent="goodbye", confidence=0.47)
    assert "Bundesdruckerei" in said(outcome) and outcome.unclear is None
    # a plain, sure goodbye stays one
    assert turn("bye then", intent="goodbye") == ["unclear goodbye"]


# -- 2. status inquiries ----------------------------------------------------------------------

@pytest.mark.parametrize("text, language, words", [
    ("sent you the contact form a month ago, any chance to find out how its going?", "en", ["refrain", "status"]),
    ("I applied online 5 weeks ago and still havent heard back, whats happening with my application", "en", ["refrain", "status"]),
    ("Hab letzten Monat übers Kontaktformular verlängert, wie ist der Stand?", "de", ["Sachstandsanfragen"]),
    ("ich warte immer noch auf antwort zu meinem antrag, wie stehts", "de", ["Sachstandsanfragen"]),
    ("can u tell me where my application stands", "en", ["refrain"]),
])
def test_a_status_inquiry_gets_the_request_to_refrain(text, language, words):
    outcome = answer(text, language)
    assert not outcome.start_enquiry
    assert all(w in said(outcome) for w in words), said(outcome)
    assert "/enquiry_new_permit" not in buttons(outcome) and "/enquiry_extend_permit" not in buttons(outcome)


# -- 3. the right topic -----------------------------------------------------------------------

@pytest.mark.parametrize("text, language, words", [
    ("what do i have to take along to my renewal appointment", "en", ["passport", "photo"]),
    ("what should I bring to my visa appointment?", "en", ["passport", "photo"]),
    ("why are there 2 appointments for one card??", "en", ["Bundesdruckerei", "pick"]),
    ("wieso brauche ich zwei Termine für den eAT", "de", ["Bundesdruckerei", "Abholung"]),
    ("wher are the cards made", "en", ["Bundesdruckerei"]),
    ("gilt mein alter aufkleber im reisepass noch?", "de", ["30.04.2021"]),
    ("are the old stickers in passports still ok?", "en", ["30 April 2021"]),
    ("I won't make it to my appointment on monday, what do I do", "en", [PHONES]),
    ("ich schaffe den termin nächste woche nicht, was nun?", "de", [PHONES]),
    ("my sister could grab my new card for me, couldn't she?", "en", ["authorise", "form"]),
    ("meine neue Karte ist fertig aber ich bin im Ausland, wie komm ich an die ran?", "de", ["bevollmächtigte", "Formular"]),
])
def test_a_question_gets_its_own_topic(text, language, words):
    outcome = answer(text, language)
    assert not outcome.start_enquiry
    assert all(w in said(outcome) for w in words), said(outcome)


def test_the_pick_up_of_a_new_card_offers_the_pick_up():
    outcome = answer("kann mein Bruder meine neue Karte holen?", "de")
    assert buttons(outcome) == ["/enquiry_card_pickup"]


def test_a_missed_appointment_is_not_the_process():
    assert turn("cant make it to my appointment thursday") == ["ask missed_appointment appointment"]
    assert turn("Termin morgen verpennt, was mach ich jetzt") == ["ask missed_appointment appointment"]


# -- 4. two persons, a matter's fee -----------------------------------------------------------

@pytest.mark.parametrize("text, language, amounts", [
    ("how much is the renewal for me and my daughter (12)?", "en", ["EUR 96", "EUR 48"]),
    ("Was kostet die Verlängerung für mich und meinen Sohn, er ist 7?", "de", ["96 Euro", "48 Euro"]),
    ("wie viel zahlen meine Frau und mich für die Erteilung", "de", ["100 Euro"]),
])
def test_the_client_and_another_person_both_get_their_fee(text, language, amounts):
    outcome = answer(text, language)
    assert all(a in said(outcome) for a in amounts), said(outcome)


def test_the_same_answer_for_both_people_is_said_once():
    outcome = answer("wie viel kostet die verlängerung für meine frau und mich", "de")
    assert said(outcome).count("96 Euro") == 1, said(outcome)


def test_two_questions_joined_by_and_stay_two():
    vocabulary = load_vocabulary()
    assert split_clauses("Was kostet das für mich und brauche ich einen Termin?", vocabulary) == [
        "Was kostet das für mich", "brauche ich einen Termin"]
    assert split_clauses("what is it for me and my son", vocabulary) == ["what is it for me and my son"]


def test_a_fee_typed_without_its_h_is_still_the_fee():
    assert turn("gebür fürs visum verlängern?", intent="enquiry_extend_visa") == ["ask fee visa_extension"]
    # "Geburt..." (birth) is no fee
    assert turn("Geburtsort Ankara, was muss ich mitbringen?")[0].startswith("ask documents")
    # "geboren" in a form-like request is no fee either: the request starts the form
    assert turn("Ich heiße Mira Kowalski, geboren am 5.6.1990, und möchte meine Aufenthaltserlaubnis verlängern",
                intent="enquiry_extend_permit") == ["start residence_permit_extension"]


@pytest.mark.parametrize("text, language", [
    ("I came on a visa and would like to stay a bit longer, is that possible here and how much?", "en"),
    ("Ich bin mit einem Visum hier und will verlängern, was kostet das?", "de"),
])
def test_a_visa_named_first_keeps_the_visa_fee(text, language):
    outcome = answer(text, language)
    assert "25" in said(outcome) and "60" in said(outcome) and "96" not in said(outcome), said(outcome)


# -- 5. a title that runs out soon --------------------------------------------------------------

@pytest.mark.parametrize("text, language, words", [
    ("my residence permit expires in 3 weeks, what should i do now", "en", ["on time", "Fiktionswirkung"]),
    ("permit runs out in two weeks - what now?", "en", ["on time", "contact form"]),
    ("Meine Aufenthaltserlaubnis läuft in 14 Tagen ab, was muss ich machen?", "de", ["rechtzeitig", "Fiktionswirkung"]),
])
def test_a_title_running_out_says_apply_on_time_and_offers_the_extension(text, language, words):
    outcome = answer(text, language)
    assert all(w in said(outcome) for w in words), said(outcome)
    assert "/enquiry_extend_permit" in buttons(outcome)
    assert not outcome.start_enquiry


def test_a_schengen_visa_running_out_has_no_fiktionswirkung():
    outcome = answer("my schengen visa expires in a week, what do I do?", "en")
    assert "does not apply" in said(outcome)


# -- 6. not covered, purposes ------------------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("which german level does my husband need for family reunion?", "en"),
    ("welches Sprachlevel braucht mein Mann für den Nachzug", "de"),
    ("what health insurance does my wife need?", "en"),
])
def test_a_thing_the_information_does_not_name_is_honestly_not_covered(text, language):
    outcome = answer(text, language)
    text_said = said(outcome)
    assert PHONES in text_said and ("no reliable" in text_said or "keine verlässliche" in text_said), text_said
    assert "passport" not in text_said and "Nationalpass" not in text_said


@pytest.mark.parametrize("text, words", [
    ("what do I need for the extension?", "passport"),
    ("what else does my son need to bring?", "passport"),
    ("welche Unterlagen braucht meine Frau?", "Nationalpass"),
])
def test_a_question_for_documents_is_still_the_documents(text, words):
    language = "de" if "welche" in text else "en"
    assert words in said(answer(text, language))


@pytest.mark.parametrize("text, language, words", [
    ("what are the purposes you can get a residence permit for", "en", ["study", "humanitarian", "medical"]),
    ("Aus welchen Gründen kann man eine Aufenthaltserlaubnis bekommen?", "de", ["Studium", "humanitäre", "Heilbehandlung"]),
])
def test_purposes_are_answered_from_the_published_list(text, language, words):
    outcome = answer(text, language)
    assert all(w in said(outcome) for w in words), said(outcome)
    assert "Niederlassungserlaubnis (unbefristeter" not in said(outcome)
