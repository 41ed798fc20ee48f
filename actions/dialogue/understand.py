"""A client turn (Rasa's parse + the conversation's context) -> commands. Pure, no Rasa.

Reads each clause of the message for a topic (content/questions.yml); a clause without
a topic that names a matter, a person or an age is a follow-up of the question before
it (in the same message or the previous turn). Asking about a matter is answered (the
executor then offers the enquiry); the form starts only when the client says they want
it (the NLU's enquiry intent on a message that is no question, or applying words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import yaml

from actions.dialogue.commands import (
    AskQuestion, CancelEnquiry, Command, CorrectField, GoBack, Implausible, NotCovered, OutOfScope, Puzzled, SetField,
    SkipField, SkipOptional, StartEnquiry, SwitchLanguage, Unclear,
)
from actions.dialogue.frame import ADULT_AGE, QuestionFrame, named_matter, read_details
from actions.dialogue.vocabulary import (
    Vocabulary, Words, fold, inside_longer, is_made_of, is_question_word_slip, is_whole, load_vocabulary,
    question_word_meant,
    strip_fillers,
    without_occasions,
)
from bot.config import CONTENT_DIR
from bot.fields import KINDS, load_registry
from bot.language import language_as_topic, requested_language

# The NLU's general-question intents and the topic each one asks about.
INTENT_TOPICS = {
    "faq_fees": "fee", "faq_documents": "documents", "faq_eat": "eat", "faq_pickup_proxy": "pickup",
    "faq_appointments": "appointments", "faq_status": "status", "faq_fiktionswirkung": "fiktion",
    "faq_contact_channels": "contact", "faq_uploads": "uploads", "faq_titles": "titles",
    "faq_settlement_info": "settlement_info", "faq_not_covered": "not_covered", "ask_human": "human",
}
# Topics a weak word names when the clause also names a matter, a person or an office word.
CONTEXT_TOPICS = {"fee", "documents", "appearance", "process"}
# Fields whose free text could swallow a question or a document's name.
FREE_TEXT_FIELDS = frozenset(load_registry().refusing_document_names())  # content/fields.yml, by kind
# The person's name fields and the most words each takes (content/fields.yml `validation: max_words`).
NAME_FIELDS = {spec.id: spec.validation.get("max_words") for spec in load_registry().fields if KINDS[spec.kind].person_name}
CONFIDENT = 0.6


@dataclass(frozen=True)
class Parse:
    """The part of Rasa's parse the model reads."""

    text: str
    intent: str | None = None
    confidence: float = 0.0


@dataclass(frozen=True)
class Context:
    language: str = "de"
    frame: QuestionFrame | None = None   # the previous question
    requested: str | None = None         # the field the form asks now (None: no enquiry running)
    concern: str | None = None           # the running enquiry's concern id
    offered: str | None = None           # the concern the last answer offered
    reading: "FormReading | None" = None # inside the form: what the form's parsers made of the text


@dataclass(frozen=True)
class FormReading:
    """What the form's field parsers (actions/extraction.py, the field registry) read in a turn.

    The model decides what the turn is; the parsers only say what the text could be.
    """

    valid: bool = False                      # a value of the asked field
    structured: bool = False                 # a value of a fixed-shape field (e-mail, date): never a command
    optional: bool = False                   # the asked field may be skipped
    declines: bool = False                   # "weiß nicht", "hab ich nicht": no value to give
    correction: tuple[str, Any] | None = None  # (field, parsed value or None): an earlier answer changed
    named: tuple[str, Any] | None = None       # another field named in the text, with a value read from it or None
    names_asked: bool = False                # the text names the asked field ("what's a case number?")
    answer_first: bool = False               # "Ayşe Yılmaz, Türkin, geboren am ...": the answer, then other fields' facts


@dataclass(frozen=True)
class Clause:
    text: str
    folded: str
    topics: tuple[str, ...]
    details: QuestionFrame
    uncovered: bool
    occasion: str | None = None   # a topic named only as what the question is for ("for my appointment")
    refers: bool = False          # "dafür", "she": refers to the previous question


def split_clauses(text: str, vocabulary: Vocabulary) -> list[str]:
    """The message cut at question marks and at "und"/"and" between questions."""
    return [clause for clause, _ in split_marked(text, vocabulary)]


def split_marked(text: str, vocabulary: Vocabulary, own: bool = False) -> list[tuple[str, bool]]:
    """The clauses, each with whether its part of the message ended in a question mark
    (own: whether its sentence did, "Ich habe ... geschickt. Was bekomme ich?" only the second)."""
    parts = [(m.group(1), bool(m.group(2))) for m in re.finditer(r"([^?]+)(\?*)", text) if m.group(1).strip()]
    clauses: list[tuple[str, bool]] = []
    for part, asked in parts:
        part = _join_persons(part, vocabulary)
        pieces = _split_at_separators(part, vocabulary)
        if asked:
            # "Was kostet die Verlängerung, brauche ich einen Termin und ...?": a comma before a
            # question word starts another question of the same sentence.
            pieces = [s for piece in pieces for s in _split_at_question_commas(piece, vocabulary)]
        cursor = 0
        for piece in pieces:
            at = part.find(piece, cursor)
            cursor = at + len(piece) if at >= 0 else cursor
            if piece.strip(" ,.;"):
                # A sentence ending after the clause ("... geschickt. Was ...?"): the mark is not its own.
                ends_later = own and bool(re.search(r"[.!](\s|$)", part[cursor:].rstrip() + " ")) and \
                    bool(part[cursor:].strip(" .!"))
                clauses.append((piece.strip(" ,.;").replace(_JOINED, " "), asked and not ends_later))
    # A piece of fillers only ("ok and my wife's too?") is no clause of its own beside others.
    meant = [(c, asked) for c, asked in clauses if strip_fillers(fold(c), vocabulary.fillers)]
    return meant or clauses


_JOINED = "\u00a0"   # a space no separator matches


def _join_persons(part: str, vocabulary: Vocabulary) -> str:
    """The part with "und"/"and" between the client and another person kept from splitting
    ("für mich und meine Tochter", "for me and my son": content/questions.yml `with_self`), and
    inside a matter's words ("can my wife come and live with me?")."""
    def keep(match: re.Match) -> str:
        before, after = fold(part[:match.start()]).split(), fold(part[match.end():]).split()
        window = " ".join(before[-2:] + [fold(match.group(0))] + after[:2])
        joined = vocabulary.with_self.any(window, typos=False) or vocabulary.joined_matter_words.any(
            " ".join(before[-3:] + [fold(match.group(0))] + after[:4]), typos=False)
        return match.group(0).replace(" ", _JOINED) if joined else match.group(0)

    return re.sub(r" (?:und|and) ", keep, part, flags=re.IGNORECASE)


def _split_at_separators(part: str, vocabulary: Vocabulary) -> list[str]:
    """The part cut at the separators of content/questions.yml (" und ", " außerdem ", ". " ...)."""
    pattern = "|".join(re.escape(s) for s in sorted(vocabulary.separators, key=len, reverse=True))
    return re.split(pattern, part, flags=re.IGNORECASE)


def _split_at_question_commas(piece: str, vocabulary: Vocabulary) -> list[str]:
    """The piece cut at commas between two questions, each starting with a question word (after
    fillers): "Was kostet ..., brauche ich ...?"; a statement before a comma stays with its
    question ("I need to renew my permit, how much will it be?")."""
    def first(text: str) -> str:
        words = strip_fillers(fold(text), vocabulary.fillers).split()
        return words[0] if words else ""

    parts = piece.split(",")
    out = [parts[0]]
    for part in parts[1:]:
        if (first(part) in vocabulary.question_words and first(out[-1]) in vocabulary.question_words
                and len(fold(out[-1]).split()) >= 3):
            out.append(part)
        else:
            out[-1] = out[-1] + "," + part
    return out


def _names(topic, folded: str, question: bool) -> bool:
    """Whether the text names the topic by a strong word (or, in a question, a question-only one,
    unless a what-word opens it: "Was braucht man, um ein Visum zu verlängern?")."""
    return topic.strong.any(folded) or question and topic.in_question.any(folded, typos=False) and not (
        folded.split()[:1] and folded.split()[0] in topic.in_question_not_after)  # "braucht" is no "brauche"


def _strong_topics(folded: str, vocabulary: Vocabulary, question: bool = False) -> tuple[tuple[str, ...], str | None]:
    """The topics a clause asks about, and a topic named only as its occasion.

    "what do I need to bring for my appointment": documents, for the appointment; a topic
    word after an occasion word counts alone when nothing else is asked ("zum Termin?").
    """
    named = [topic.name for topic in vocabulary.topics if _names(topic, folded, question)]
    covered = {c for topic in vocabulary.topics if topic.name in named for c in topic.covers}
    named = [name for name in named if name not in covered]
    if len(named) > 1:
        # A topic named only by words inside a longer phrase of another ("welche Papiere berechtigen
        # zum Aufenthalt?": the titles, not the documents to bring) is part of that question.
        hits = {name: _strong_hits(_topic(name, vocabulary), folded, question) for name in named}
        named = [name for name in named if not inside_longer(
            hits[name], [h for other in named if other != name for h in hits[other]])]
    core = without_occasions(folded, vocabulary.occasions, vocabulary.matter_words)
    asked = [name for name in named if _names(_topic(name, vocabulary), core, question) or any(
        hit.startswith(tuple(f"{o} " for o in vocabulary.occasions))  # "in my place", "in meinem Namen"
        for hit in _topic(name, vocabulary).strong.found(folded))]
    if len(asked) == len(named):
        return tuple(named), None
    occasion = next(name for name in named if name not in asked)
    if not asked:
        # Only an occasion named: a weak word outside it is the question ("was brng to the apointment").
        # (Not a topic the occasion's own answer covers: "allowed to collect my eAT" asks the pick-up.)
        covered_by = _topic(occasion, vocabulary).covers
        asked = [t.name for t in vocabulary.topics if t.name != occasion and t.name not in covered_by and t.weak.any(core)]
    return (tuple(asked), occasion) if asked else (tuple(named), None)


def _strong_hits(topic, folded: str, question: bool) -> list[str]:
    """The strong words (in a question also the question-only ones) the text names the topic by."""
    return topic.strong.found(folded) + (topic.in_question.found(folded, typos=False) if _names(topic, folded, question)
                                         and question else [])


def _topic(name: str, vocabulary: Vocabulary):
    return next(t for t in vocabulary.topics if t.name == name)


def _unknown_thing(folded: str, vocabulary: Vocabulary) -> bool:
    """Whether the clause asks for a thing no word of the vocabulary names: the word after a
    which-word ("what German level", "welches Deutschniveau"; content/questions.yml `asked_things`)."""
    tokens = folded.split()
    for which in sorted(vocabulary.which_words, key=len, reverse=True):
        words = which.split()
        for i in range(len(tokens) - len(words)):
            if tokens[i:i + len(words)] != words:
                continue
            thing = tokens[i + len(words)]
            if thing in vocabulary.not_things or thing in vocabulary.which_words:
                return False
            return not any(words_.any(thing) for words_ in vocabulary.thing_words)
    return False


def _topics(folded: str, details: QuestionFrame, office: bool, intent_topic: str | None,
            context: bool, vocabulary: Vocabulary, question: bool = False, previous: str | None = None,
            expiring: bool = False) -> tuple[str, ...]:
    strong, _ = _strong_topics(folded, vocabulary, question)
    if strong and details.person:
        strong = _person_brought(strong, folded, vocabulary)
    if expiring:
        # "mein Titel läuft morgen ab, bin ich dann noch legal?", "my permit expires next week and I have
        # no appointment yet, can I keep my job?": the Fiktionswirkung (and what it covers).
        when = next((t for t in vocabulary.topics if t.when_expiring.any(folded)), None)
        if when is not None:
            return (when.name, *(s for s in strong if s != when.name and s not in when.covers))
    before = next((t for t in vocabulary.topics if t.name == previous), None) if previous else None
    if strong and before and set(strong) <= set(before.follow_covers) and before.follow.any(folded):
        return (previous,)  # "auch Fotos vom Handy?" right after the uploads: files, not the biometric photo
    if strong:
        return tuple(strong)  # weak words beside a strong one are part of that question ("brauche ich einen Termin")
    if previous and any(t.name == previous and (t.follow.any(folded) or t.follow_nationality and details.nationality)
                        for t in vocabulary.topics):
        return (previous,)  # "so I can still go to my job?" after the Fiktionswirkung: asks on about it
    if previous and details.purpose and (before and before.follow_purpose):
        return (before.follow_purpose,)  # "auch für eine medizinische Behandlung?" after the purposes
    covered = [t.name for t in vocabulary.topics if before and t.name in before.covers and t.follow.any(folded)]
    if covered:
        return tuple(covered[:1])  # "how many appointments ... and how do I book them?": the appointments the visits named
    reached = _age_reached(folded, details, vocabulary)
    if reached:
        return (reached,)  # "mein Sohn wird nächsten Monat sechs, ändert sich da was?": from 6, the fingerprints
    found, by_question_word = [], []
    for topic in vocabulary.topics:
        weak = topic.weak.any(folded)
        in_question = not weak and question and topic.weak_in_question.any(folded, typos=False)
        if (weak or in_question) and (
            intent_topic == topic.name
            or topic.name in CONTEXT_TOPICS and (details.has_details or office or context)
        ):
            (found if weak else by_question_word).append(topic.name)
    # "I need to extend my permit, how much will that be?": "need" beside another topic's own
    # word is the client's statement, not a second question.
    if previous and not details.has_details:
        # "what replaced it?" after the old sticker, "how long will it take?" after the card's visits;
        # before a question's need word ("and if I need to cancel it?" after the appointment) and
        # weak words ("wie kann ich das meinem Chef nachweisen?" after the Fiktionswirkung).
        led = tuple(t.name for t in vocabulary.topics if previous in t.after and t.after_words.any(folded))
        if led:
            return led[:1]
    found = found or by_question_word
    things = vocabulary.needs_title.get("things")
    held = vocabulary.matter(details.matter)
    # A matter that is a permit's issue or one of its purposes ("Kann er zu mir nachziehen?": family reunification).
    issued = details.matter == "issue" or held is not None and held.purpose is not None
    if not found and question and details.purpose and (details.matter is None or issued) and (
            issued or previous is None and things and things.any(folded)) and not any(
            strip_fillers(folded, vocabulary.fillers).startswith(w + " ") for w in vocabulary.specific_question_words):
        # "Kann ich eine Aufenthaltserlaubnis zur Heilbehandlung bekommen?", "can I get a permit to join my
        # husband?": whether a permit is given for that purpose (the topic that answers purposes); after another
        # question only with the permit's matter ("does that work for my son's card too?" is no purpose).
        answering = next((t.name for t in vocabulary.topics if t.follow_purpose == t.name), None)
        if answering:
            return (answering,)
    if found and _unknown_thing(folded, vocabulary):
        return ()  # "what German level does my wife need?": not the documents; honestly not covered
    return _person_brought(tuple(found), folded, vocabulary, weak=True) if details.person else tuple(found)


def _age_reached(folded: str, details: QuestionFrame, vocabulary: Vocabulary) -> str | None:
    """The topic whose published age a person is said to reach ("wird sechs", "turns 16", "her sixth
    birthday"; content/questions.yml `age_reached`), if the age is one of them."""
    if details.age is None or not vocabulary.age_reached.any(folded, typos=False):
        return None
    from bot import knowledge as kb

    facts = kb.load_knowledge().facts
    return next((topic for fact, topic in vocabulary.age_topics.items() if facts.get(fact) == details.age), None)


def _person_brought(topics: tuple[str, ...], folded: str, vocabulary: Vocabulary, weak: bool = False) -> tuple[str, ...]:
    """A topic named only by bring words, with a person in the clause and no what-word, is the
    topic those words name with a person as what is brought ("muss ich meine Tochter mitbringen?"
    asks whether she must come, not which documents)."""
    for topic in vocabulary.topics:
        if not topic.person_object.phrases or topic.name in topics or topic.things.any(folded, typos=False):
            continue
        for name in topics:
            named = _topic(name, vocabulary)
            hits = named.strong.found(folded) + (named.weak.found(folded) if weak else [])
            hits = [hit for hit in hits if not topic.needing.any(hit, typos=False)]
            if hits and all(topic.person_object.any(hit, typos=False) for hit in hits):
                return tuple(topic.name if t == name else t for t in topics)
    return topics


def _without_matter_phrases(folded: str, vocabulary: Vocabulary) -> str:
    """The text without phrases that name a matter ("neuen Pass" is a change of data, not the documents);
    a phrase naming the topic whose answer offers the matter's own enquiry stays ("a new appointment")."""
    padded = f" {folded} "
    for matter in vocabulary.matters:
        own = _topic_of_concern(matter.concern) if matter.concern else None
        words = _topic(own, vocabulary).strong if own in {t.name for t in vocabulary.topics} else None
        for phrase in matter.words.phrases:
            if " " in phrase and not phrase.endswith("*") and not (words and words.any(phrase, typos=False)):
                padded = padded.replace(f" {phrase} ", " ")
    return padded.strip()


def _without_phrases(folded: str, words) -> str:
    """The text without the phrases of a list of several words ("how come" asks why; its "come" is no topic)."""
    padded = f" {folded} "
    for phrase in words.phrases:
        if " " in phrase and not phrase.endswith("*"):
            padded = padded.replace(f" {phrase} ", " ")
    return " ".join(padded.split())


def _without_hedges(folded: str, hedges: frozenset[str]) -> str:
    """The folded text without hedge words ("what exactly is" -> "what is"; content/questions.yml `hedges`)."""
    padded = f" {folded} "
    for hedge in sorted(hedges, key=len, reverse=True):
        padded = padded.replace(f" {hedge} ", " ")
    return " ".join(padded.split())


def read_clause(text: str, intent_topic: str | None, context: bool, vocabulary: Vocabulary,
                question: bool = False, previous: str | None = None, expiring: bool = False) -> Clause:
    folded = fold(text)
    details = read_details(text, vocabulary, short=True)
    office = vocabulary.office_words.any(folded)
    asked = _without_phrases(_without_phrases(_without_matter_phrases(folded, vocabulary), vocabulary.same_topic),
                             vocabulary.no_topic)
    question = question or is_question(text, vocabulary)
    topics = _topics(asked, details, office, intent_topic, context, vocabulary, question, previous,
                     expiring or bool(details.expiring))
    plain = _without_hedges(asked, vocabulary.hedges)
    if not topics and plain != asked:
        # "And what exactly is the eAT?": the question without its hedges ("what is the eAT").
        topics = _topics(plain, details, office, intent_topic, context, vocabulary, question, previous,
                         expiring or bool(details.expiring))
    # "Wie lange dauert es, bis die Karte fertig ist?": the card's topic answers how long.
    settled = {p for t in vocabulary.topics if t.name in topics for p in t.settles.phrases}
    # "Can I speak English at my appointment?", "Spricht da jemand Englisch?": a language as what is
    # asked about (content/questions.yml language_topic) is not published either.
    uncovered = any(p not in settled for p in vocabulary.not_covered.found(folded)) or vocabulary.uncovered_held.any(
        folded, typos=False) and vocabulary.uncovered_doing.any(folded, typos=False) or not topics and question and (
        office or details.has_details) and _unknown_thing(asked, vocabulary) or language_as_topic(text)
    _, occasion = _strong_topics(asked, vocabulary, question)
    return Clause(text, folded, topics, details, uncovered, occasion, vocabulary.references.any(folded, typos=False))


def is_question(text: str, vocabulary: Vocabulary, anywhere: bool = False) -> bool:
    """A question mark, or a question word first after fillers ("yo can a friend ...");
    anywhere: also first in a later part ("termin verpennt, was mach ich jetzt")."""
    words = strip_fillers(fold(text), vocabulary.fillers).split()
    if "?" in text or words and (words[0] in vocabulary.question_words
                                 or is_question_word_slip(words[0], vocabulary.question_words)):
        return True
    if anywhere and vocabulary.question_openers.any(fold(text), typos=False):
        return True  # "mein Titel läuft ab was muss ich tun", "abholung ab welchem alter"
    parts = re.split(r"[,;:]| bzw\.? | und | and | but | aber ", text)[1:] if anywhere else []
    return any((words := strip_fillers(fold(part), vocabulary.fillers).split())
               and words[0] in vocabulary.question_words_anywhere for part in parts)


def with_question_word_spelled(text: str, vocabulary: Vocabulary) -> str:
    """The text with its first word (after fillers) spelled right when it is a question word with
    a slip ("wan ist meine karte fertig" -> "wann ist ..."), so the topics' phrases read it."""
    words = strip_fillers(fold(text), vocabulary.fillers).split()
    meant = question_word_meant(words[0], vocabulary.question_words) if words else None
    if meant is not None:
        text = re.sub(rf"(?<![\w']){re.escape(words[0])}(?![\w'])", meant, text, count=1, flags=re.IGNORECASE)
    return _respelled(text, vocabulary.respelled)


def _respelled(text: str, words: frozenset[str]) -> str:
    """The text with words typed with two neighbouring letters swapped spelled right ("how mcuh",
    "wie veil"; content/questions.yml `respelled`): the first letter stays, the slip is no word of the list."""
    if not words:
        return text

    def meant(match: re.Match) -> str:
        token = match.group(0)
        lowered = token.lower()
        if len(lowered) < 3 or lowered in words:
            return token
        swaps = {lowered[:i] + lowered[i + 1] + lowered[i] + lowered[i + 2:] for i in range(1, len(lowered) - 1)}
        return next((w for w in sorted(words) if w in swaps), token)

    return re.sub(r"[^\W\d_]+", meant, text)


def wants_enquiry(parse: Parse, vocabulary: Vocabulary) -> bool:
    """The client says they want to send their matter (not "I would like to know ...")."""
    folded = fold(parse.text)
    return vocabulary.applying.any(folded) and not vocabulary.asking.any(folded, typos=False)


def concern_of(frame: QuestionFrame | None, vocabulary: Vocabulary) -> str | None:
    matter = next((m for m in vocabulary.matters if frame and m.name == frame.matter), None)
    return matter.concern if matter else None


def language_switch(parse: Parse, vocabulary: Vocabulary) -> str | None:
    """An explicit request for a language: the words of content/questions.yml, or the same
    reading as the language the conversation is kept in (bot/language.py)."""
    if language_as_topic(parse.text):
        return None  # "Does my wife need German language skills?", "muss sie Deutsch sprechen?": a question, no request
    folded = fold(parse.text)
    # Exact words: a typo of "in german" is "in Germany" (the regular expressions of bot/language.py read typos).
    listed = next((lang for lang, words in vocabulary.switch_language.items() if words.any(folded, typos=False)), None)
    return listed or requested_language(parse.text)


def _without_switch(text: str, vocabulary: Vocabulary) -> str:
    """The message without its clauses that only ask for a language ("English please. What do I
    need?" -> "What do I need?"); a clause that also asks something stays ("auf Englisch bitte,
    was kostet das?")."""
    marked = split_marked(text, vocabulary)
    kept = [(clause, asked) for clause, asked in marked
            if not (language_switch(Parse(clause), vocabulary) and not read_clause(clause, None, False, vocabulary).topics)]
    if len(kept) == len(marked):
        return text
    return " ".join(clause + ("?" if asked else ".") for clause, asked in kept)


def questions(parse: Parse, context: Context, vocabulary: Vocabulary) -> list[Command]:
    """The questions of a message, in order.

    A clause without a topic that names a matter, a person or an age follows up the
    question before it; a clause without details takes them from the clause before it
    in the same message, and the matter from the previous turn. A clause that refers
    back ("what does she need for that?") keeps the previous question's person, and
    that question's topic becomes its occasion. A statement right after a question in
    the same message ("... mitkommen? Er ist 4") completes that question.
    """
    intent_topic = INTENT_TOPICS.get(parse.intent or "") if parse.confidence >= 0.3 else None
    previous = context.frame
    if context.concern and (previous is None or previous.matter is None):
        previous = replace(previous or QuestionFrame(), matter=_matter_of_concern(context.concern, vocabulary))
        if previous.matter is None and previous.topic is None:
            # The pick-up enquiry has no matter: its topic is what a question in it asks on about.
            previous = replace(previous, topic=_topic_of_concern(context.concern))
    commands: list[Command] = []
    in_message: QuestionFrame | None = None
    marked = split_marked(parse.text, vocabulary)
    whole = fold(parse.text)
    named = {k for k, words in vocabulary.titles.items() if words.any(whole)}  # the titles the message names
    if (previous is not None and previous.topic is not None and len(whole.split()) <= 12
            and any(w.startswith(c) for c in vocabulary.conditions.phrases
                    for w in (whole, strip_fillers(whole, vocabulary.fillers)))):
        # "und wenn ich krank bin und nicht kommen kann?": one condition, not two questions.
        marked = [(parse.text.strip(), "?" in parse.text)]
    texts = [text for text, _ in marked]
    asks = [asked or is_question(text, vocabulary) for text, asked in split_marked(parse.text, vocabulary, own=True)]
    # "Was kostet es und wie lange dauert es, bis die Karte fertig ist?": in a message of several
    # clauses, an office word in any of them makes the others' weak words questions of the office.
    office = len(marked) > 1 and vocabulary.office_words.any(whole)
    # "Meine Aufenthaltserlaubnis läuft in zwei Wochen ab. ...": the title expires soon (this message or the last question).
    expiring = bool(previous and previous.expiring) or vocabulary.title_state(whole)[1]
    direct = named_matter(parse.text, vocabulary)  # the matter the message names by its own words
    stated: str | None = None   # the topic a statement of this message named ("... eine Bestätigung bekommen.")
    stated_ages: list[int] = []  # ages the statements before the first question gave ("Meine Söhne sind 7 und 12")
    for number, (text, asked) in enumerate(marked):
        listed = _listed_with(number, marked, vocabulary)
        clause = read_clause(text, intent_topic, previous is not None or in_message is not None or office or bool(listed),
                             vocabulary, asked, (in_message or previous).topic if (in_message or previous) else None,
                             expiring)
        if listed:
            clause = replace(clause, details=listed)  # "Kosten und Unterlagen für eine Verlängerung?": both for it
        if clause.details.matter and direct and direct != clause.details.matter and named_matter(text, vocabulary) is None:
            # "Was kostet die Verlängerung, wenn ich eine Erlaubnis zum Arbeiten habe?": the matter named is it.
            clause = replace(clause, details=replace(clause.details, matter=None))
        if clause.topics and _only_context(number, marked, asks, clause, vocabulary):
            # "Ich habe den Antrag übers Kontaktformular geschickt. Was bekomme ich als Nachweis?":
            # the statement says what the question is about; it asks nothing itself.
            in_message = (in_message or QuestionFrame()).follow(clause.details)
            stated = clause.topics[-1]
            continue
        topics = _about_it(clause, stated or (previous.topic if previous else None), vocabulary)
        if stated and topics and not expiring and not _topic(stated, vocabulary).open and (all(
                _topic(t, vocabulary).open for t in topics) or not _strong_topics(clause.folded, vocabulary, True)[0]
                and all(_topic(t, vocabulary).open_weak for t in topics)):
            topics = (stated,)  # "Meine Karte ist fertig, ich kann aber nicht hin. Was nun?": the pick-up
        question_part = _question_part(text, vocabulary) if len(topics) > 1 and not expiring else None
        if question_part:
            # "I have my extension appointment soon, what should I bring?": the statement before the
            # comma names what the question after it is for.
            own = read_clause(question_part, None, True, vocabulary, True).topics
            if own and set(own) < set(topics) and all(_topic(t, vocabulary).open for t in own):
                topics = tuple(t for t in topics if t not in own)  # "Termin vergessen, was soll ich machen?"
            elif own and set(own) < set(topics):
                clause = replace(clause, occasion=clause.occasion or next(t for t in topics if t not in own))
                topics = own
        if (expiring or clause.details.expiring) and "process" in topics:
            # "my permit runs out next month, what now?": applying on time says the Fiktionswirkung too.
            topics = tuple(t for t in topics if t not in vocabulary.expiring_process_covers)
        about_other = _about_other(clause, topics, in_message or previous, vocabulary)
        if about_other:
            topics = (about_other[0],)
        follows_up = previous is not None and previous.topic is not None and clause.details.has_details
        same = (previous is not None and previous.topic is not None and in_message is None and len(marked) == 1
                and len(clause.folded.split()) <= 8 and vocabulary.same_topic.any(clause.folded, typos=False))
        # "auch wenn ich krank bin?", "and if it has already expired?": only a condition on the previous answer.
        condition = (previous is not None and previous.topic is not None and in_message is None and len(marked) == 1
                     and len(clause.folded.split()) <= 12 and not topics and not follows_up
                     and (vocabulary.conditions.any(clause.folded, typos=False) or bool(clause.details.expired)))
        # "und wenn ich es nicht bezahlen kann?" after the fee: a condition that only names the
        # previous topic again in its own words; the published information states no exceptions.
        restated = (previous is not None and previous.topic is not None and in_message is None and len(marked) == 1
                    and len(clause.folded.split()) <= 12 and vocabulary.conditions.any(clause.folded, typos=False)
                    and topics == (previous.topic,) and not clause.details.has_details
                    and _names_topic(previous.topic, clause.folded, vocabulary))
        if not topics and not clause.uncovered and intent_topic and not follows_up and not same and not condition and number == 0 and not any(
                (later := read_clause(t, None, True, vocabulary)).topics or later.uncovered for t in texts[1:]):
            topics = (intent_topic,)  # no topic word: the NLU's question intent names it
        if restated:
            commands.append(NotCovered(previous))
            in_message = previous
        elif (topics and not asked and in_message is not None and commands and isinstance(commands[-1], AskQuestion)
              and topics == (commands[-1].frame.topic,) and clause.details.has_details
              and not _names_topic(topics[0], clause.folded, vocabulary)):
            # "Braucht meine Frau einen Titel? Sie ist Italienerin.": the statement completes the
            # question before it (its topic came only from that question's follow words).
            frame = commands[-1].frame.follow(clause.details)
            commands[-1] = AskQuestion(frame)
            in_message = previous = frame
        elif topics:
            # "Muss mein Kind zum Termin mit? Und was kostet es für sie?": the fee is not the appointment's
            # (an appointment is how, not what: `carries: false`); what to bring is still for it ("Ich
            # brauche einen Termin. Was muss ich mitbringen?").
            fee_after = "fee" in topics and bool(commands) and isinstance(commands[-1], (AskQuestion, NotCovered))
            base = replace(in_message, matter=_carried(in_message, topics, vocabulary)) if in_message and fee_after else in_message or (
                QuestionFrame(matter=_carried(previous, topics, vocabulary)) if previous else QuestionFrame())
            if clause.refers and previous is not None and in_message is None:
                base = QuestionFrame(matter=previous.matter, title=previous.title, person=previous.person,
                                     age=previous.age, occasion=previous.topic)
            # Without a matter, title or person the clause still says whether the title expires
            # soon and which purpose it asks about.
            details = clause.details if clause.details.has_details else QuestionFrame(
                expiring=clause.details.expiring, purpose=clause.details.purpose)
            if in_message is not None and _keeps(in_message.matter, details.matter, vocabulary):
                details = replace(details, matter=None)  # "I'm on a visa. How much is the extension?"
            if "titles" in topics:
                details = replace(details, matter=None)  # "Does he need a residence permit?" names a title, not a matter
            occasion = about_other[1] if about_other else clause.occasion or base.occasion
            frames = [_titled(_with_occasion(base.follow(replace(details, topic=topic)), occasion), named, vocabulary)
                      for topic in topics]
            ages = list(dict.fromkeys([*stated_ages, *([frames[0].age] if frames[0].age is not None else [])]))
            if not commands and len(ages) > 1:
                # "my kids are 5 and 14, how much?", "Meine Söhne sind 7 und 12 Jahre alt. Was kostet ...?":
                # the ages stated before the question are each asked the same (a child's, an adult's).
                frames = [replace(frame, age=age, person="child" if age < ADULT_AGE else (
                    None if frame.person == "child" else frame.person)) for frame in frames for age in ages]
            if details.person and vocabulary.with_self.any(clause.folded, typos=False):
                # "was zahle ich für mich und meine Tochter (8)?": the client's answer, then the other person's.
                frames = [f for frame in frames
                          for f in (replace(frame, person=None, age=None, nationality=None), frame)]
            if clause.uncovered or any(_unknown_fee(f, vocabulary) for f in frames):
                commands.append(NotCovered(frames[0]))
            else:
                # The same question in two clauses ("andere Nummern? da ist immer besetzt") is answered once.
                commands += [AskQuestion(f) for f in frames if AskQuestion(f) not in commands]
            in_message = previous = frames[-1]
        elif clause.uncovered:
            frame = _titled((in_message or QuestionFrame()).follow(replace(clause.details, topic="not_covered")),
                            named, vocabulary)
            if not (commands and isinstance(commands[-1], NotCovered) and commands[-1].frame.topic == "not_covered"):
                commands.append(NotCovered(frame))  # "where is your office and when is it open?": said once
            in_message = frame
        elif follows_up and in_message is not None and not asked and isinstance(commands[-1:] and commands[-1], AskQuestion):
            # "Muss mein Sohn mitkommen? Er ist 4": the statement completes the question before it, and
            # every question of the message on the same person ("How much is it and what do I bring? I'm 16").
            person = previous.person
            for at, command in enumerate(commands):
                if isinstance(command, AskQuestion) and command.frame.person == person:
                    frame = _titled(command.frame.follow(clause.details), named, vocabulary)
                    commands[at] = NotCovered(frame) if _unknown_fee(frame, vocabulary) else AskQuestion(frame)
            in_message = previous = commands[-1].frame
        elif follows_up:
            if previous.occasion and any(t.name == previous.topic and t.about_other for t in vocabulary.topics):
                # "und für Minderjährige?" after "wovon hängt das ab?": the thing it was about (the fee).
                previous = replace(previous, topic=previous.occasion, occasion=None)
            frame = _titled(previous.follow(clause.details), named, vocabulary)
            if previous.occasion and vocabulary.doing.any(clause.folded, typos=False):
                # "Termin zur Abholung? Und kann das mein Sohn machen?": he would do the pick-up.
                frame = replace(frame, topic=previous.occasion, occasion=None)
            commands.append(NotCovered(frame) if _unknown_fee(frame, vocabulary) else AskQuestion(frame))
            in_message = previous = frame
        elif clause.details.has_details or clause.details.expiring:
            details = clause.details
            if details.age is not None and not commands:
                stated_ages.append(details.age)
            if in_message is not None and _keeps(in_message.matter, details.matter, vocabulary):
                details = replace(details, matter=None)  # "I'm here on a visa and want to extend it"
            in_message = (in_message or QuestionFrame()).follow(details)
        elif same:
            # "seit wann?", "why not just once?": asks on about the previous answer.
            commands.append(AskQuestion(previous))
            in_message = previous
        elif condition and clause.details.expired and previous.topic in vocabulary.expired_answered:
            # The answer says what applies once the title has expired (the Fiktionswirkung: only on time).
            frame = previous.follow(QuestionFrame(expired=True))
            commands.append(AskQuestion(frame))
            in_message = frame
        elif condition:
            # The published information states no exceptions: said honestly; the question stays the
            # previous one, so "und für meine Tochter?" next still follows it up.
            commands.append(NotCovered(previous))
            in_message = previous
        elif clause.details.expired:
            in_message = (in_message or QuestionFrame()).follow(clause.details)  # "Mein Titel ist abgelaufen. ..."
    commands = [replace(c, frame=_expiring(c.frame, vocabulary)) if isinstance(c, (AskQuestion, NotCovered)) else c
                for c in commands]
    # "what about my husband, does he have to come too?": two clauses asking the same, answered once.
    return [c for number, c in enumerate(commands) if not (number and isinstance(c, AskQuestion) and c == commands[number - 1])]


def _about_it(clause: Clause, named: str | None, vocabulary: Vocabulary) -> tuple[str, ...]:
    """ "Was mache ich damit?", "what do I do with it?": a question of a topic with `about_it` words
    asks about the thing the message's statement or the previous question named (the confirmation)."""
    if len(clause.topics) != 1 or named is None or named in clause.topics or named == "not_covered":
        return clause.topics
    topic = _topic(clause.topics[0], vocabulary)
    return (named,) if topic.about_it.any(clause.folded, typos=False) else clause.topics


def _question_part(text: str, vocabulary: Vocabulary) -> str | None:
    """The part after the last comma when it starts with a question word and the part before it does
    not ("I have my appointment soon, what should I bring?"); None otherwise."""
    if "," not in text:
        return None
    head, tail = text.rsplit(",", 1)
    first = strip_fillers(fold(head), vocabulary.fillers).split()[:1]
    asked = strip_fillers(fold(tail), vocabulary.fillers).split()[:1]
    if asked and asked[0] in vocabulary.question_words_anywhere and not (first and first[0] in vocabulary.question_words):
        return tail
    return None


def _needs_title(command: Command, folded: str, vocabulary: Vocabulary) -> Command:
    """ "Ich bin Portugiesin, brauche ich so eine Karte?", "i'm dutch, do i have to get a residence
    permit?": a question with a nationality, a need word and a title word (content/questions.yml
    `needs_title`) asks whether that person needs a title at all, not how to apply or what to bring."""
    if not isinstance(command, (AskQuestion, NotCovered)) or not command.frame.nationality:
        return command
    if command.frame.topic not in vocabulary.needs_title_instead_of or not all(
            words.any(folded, typos=False) for words in vocabulary.needs_title.values()):
        return command
    return AskQuestion(replace(command.frame, topic="titles", matter=None, occasion=None))


def _about_other(clause: Clause, topics: tuple[str, ...], before: QuestionFrame | None,
                 vocabulary: Vocabulary) -> tuple[str, str | None] | None:
    """ "wovon hängt das ab?", "what does the price depend on?": a topic asking about another one
    (content/questions.yml `about_other`), with that other topic: the one the clause names (also by
    a weak word), else the one the previous question asked (or was about)."""
    about = next((t for t in topics if _topic(t, vocabulary).about_other), None)
    if about is None:
        return None
    named = next((t.name for t in vocabulary.topics if not t.about_other
                  and (t.strong.any(clause.folded) or t.weak.any(clause.folded))), None)
    if named is None and before is not None:
        named = before.occasion if before.topic == about else before.topic
    return about, named


def _expiring(frame: QuestionFrame, vocabulary: Vocabulary) -> QuestionFrame:
    """A title said to expire soon: a question on what to do then (or the Fiktionswirkung) is about
    its extension (content/questions.yml `expiring`), so the answer offers that enquiry."""
    held = vocabulary.matter(frame.matter)
    if not frame.expiring or held is not None and held.carries or frame.topic not in vocabulary.expiring_topics:
        return frame  # a matter named stays; an appointment is how, not what (`carries: false`)
    return replace(frame, matter=vocabulary.expiring_matter)


def _names_topic(name: str, folded: str, vocabulary: Vocabulary) -> bool:
    """Whether the clause names the topic in its own words (not only by a `follow` word)."""
    topic = _topic(name, vocabulary)
    return topic.strong.any(folded) or topic.weak.any(folded)


def _names_topic_itself(name: str, folded: str, vocabulary: Vocabulary) -> bool:
    """Whether the words name the topic, also by a word that names it only in a question."""
    return name not in {t.name for t in vocabulary.topics} or _names_topic(name, folded, vocabulary) or (
        _topic(name, vocabulary).weak_in_question.any(folded, typos=False))


def _listed_with(number: int, marked: list[tuple[str, bool]], vocabulary: Vocabulary) -> QuestionFrame | None:
    """The details of the clause after this one when this one is only the first item of a list
    (one or two words, no details of its own): "Gebühren und Unterlagen für die Verlängerung?"."""
    if number + 1 >= len(marked):
        return None
    words = strip_fillers(fold(marked[number][0]), vocabulary.fillers).split()
    if not 0 < len(words) < 3 or read_details(marked[number][0], vocabulary).has_details:
        return None
    if any(word.isdigit() for word in words):
        return None  # "Meine Kinder sind 4 und 10. Was kostet ...?": an age, not the first item of a list
    later = read_details(marked[number + 1][0], vocabulary)
    return later if later.has_details else None


def _only_context(number: int, marked: list[tuple[str, bool]], asks: list[bool], clause: Clause,
                  vocabulary: Vocabulary) -> bool:
    """A statement (no question, no wish to apply) before a question of its own topic in the same message."""
    if asks[number] or vocabulary.applying.any(clause.folded):
        return False
    return any(asks[later] and read_clause(marked[later][0], None, True, vocabulary, True).topics
               for later in range(number + 1, len(marked)))


def _with_occasion(frame: QuestionFrame, occasion: str | None) -> QuestionFrame:
    """The frame with what its question is for (never its own topic)."""
    return replace(frame, occasion=occasion if occasion != frame.topic else None)


def _matter_follow_up(parse: Parse, context: Context, vocabulary: Vocabulary) -> list[Command]:
    """A question the NLU reads as an enquiry but with no topic ("and a brand new one?"): the
    previous question again, for the matter of that enquiry (never the start of the form)."""
    from bot.catalogue import load_catalogue

    concern = load_catalogue().by_intent(parse.intent or "")
    matter = _matter_of_concern(concern.id, vocabulary) if concern else None
    if context.frame is None or context.frame.topic is None or matter is None:
        return []
    frame = context.frame.follow(QuestionFrame(matter=matter))
    return [NotCovered(frame) if _unknown_fee(frame, vocabulary) else AskQuestion(frame)]


def _matter_process(text: str, vocabulary: Vocabulary) -> list[Command]:
    """How it goes for the matter a question names, when it names no topic; not for a message
    shaped as a follow-up ("and what about a new one?") with no question before it."""
    details = read_details(text, vocabulary)
    if not details.matter or fold(text).split()[:1] in (["and"], ["und"]):
        return []
    return [AskQuestion(replace(details, topic="process"))]


def _acted_matter(text: str, vocabulary: Vocabulary) -> bool:
    """Whether the question names something to do about a matter ("Can I extend my tourist visa
    here?"); a matter that `keeps` others counts only with one of their words ("a visa" alone is
    no visa extension: "can my parents get a visa to visit?")."""
    folded = fold(text)
    matter = vocabulary.matter(read_details(text, vocabulary).matter)
    if matter is None or not matter.carries:
        return False
    asked = strip_fillers(folded, vocabulary.fillers) + " "
    if any(asked.startswith(w + " ") for w in vocabulary.specific_question_words):
        return False  # "Wie viele Jahre ist eine Blaue Karte gültig?": not how it goes
    kept = [vocabulary.matter(name) for name in matter.keeps]
    return not kept or any(m is not None and m.words.any(folded) for m in kept)


def _keeps(earlier: str | None, later: str | None, vocabulary: Vocabulary) -> bool:
    """Whether a matter named earlier in the message stays when a later clause names `later`
    (content/questions.yml `keeps`: the visa is what "the extension" extends)."""
    matter = vocabulary.matter(earlier)
    return matter is not None and later is not None and later in matter.keeps


def _titled(frame: QuestionFrame, named: set[str], vocabulary: Vocabulary) -> QuestionFrame:
    """The frame's matter for its title when the message names that title (content/questions.yml
    matter `titles`): "Mein Schengen-Visum läuft ab, ich will es verlängern" extends the visa, not
    a residence permit; a title from an earlier turn alone changes nothing."""
    if frame.title not in named or frame.matter is None:
        return frame
    held = vocabulary.matter(frame.matter)
    if held is not None and held.titles and frame.title not in held.titles and held.keeps:
        # "what about a Blue Card?" after a national visa: the Blue Card is extended, not the visa.
        return replace(frame, matter=held.keeps[0])
    matter = next((m for m in vocabulary.matters if frame.matter in m.keeps and frame.title in m.titles), None)
    return replace(frame, matter=matter.name) if matter else frame


def _carried(previous: QuestionFrame, topics: tuple[str, ...], vocabulary: Vocabulary) -> str | None:
    """The previous question's matter for a question on `topics`: kept unless that matter does not
    carry to another topic ("How do I get an appointment?" then "how much are the fees?" asks the
    fees in general, not the fee of an appointment; content/questions.yml `carries`)."""
    matter = vocabulary.matter(previous.matter)
    if matter is not None and not matter.carries and previous.topic not in topics:
        return None
    return previous.matter


def _matter_of_concern(concern: str, vocabulary: Vocabulary) -> str | None:
    return next((m.name for m in vocabulary.matters if m.concern == concern), None)


def _unknown_fee(frame: QuestionFrame, vocabulary: Vocabulary) -> bool:
    """A fee for a matter the published fees do not list (settlement permit, a lost card ...)."""
    if frame.topic != "fee" or frame.matter is None:
        return False
    matter = vocabulary.matter(frame.matter)
    return matter is not None and matter.fee is None


def interpret(parse: Parse, context: Context, vocabulary: Vocabulary | None = None) -> list[Command]:
    """The commands of one client turn outside the enquiry form."""
    vocabulary = vocabulary or load_vocabulary()
    parse = replace(parse, text=with_question_word_spelled(parse.text, vocabulary))
    text = parse.text.strip()
    if text.startswith("/"):
        return [Unclear(parse.intent)]  # a button: its intent is exact, the rules handle it
    commands: list[Command] = []
    switch = language_switch(parse, vocabulary)
    if switch:
        # "switch to German pls and do I need an appointment": the rest of the message is read as if
        # the request were not there (a question, a wish to apply), after the switch.
        parse = replace(parse, text=_without_switch(parse.text, vocabulary))
        text = parse.text.strip()
        if not text:
            return [SwitchLanguage(switch)]
    asked = questions(parse, context, vocabulary)
    on_answer = _on_the_answer_before(parse, context, vocabulary)
    if asked and on_answer and isinstance(on_answer[0], AskQuestion) and not questions(
            replace(parse, intent=None, confidence=0.0), context, vocabulary):
        # "what am I supposed to do with it?" after the confirmation: its answer says it, whatever
        # topic the NLU guessed for the words alone.
        asked = on_answer
    elif asked and on_answer:
        asked = _beside_weak_words(asked, parse.text, context, vocabulary) or asked
    # The NLU's switch intent alone never outweighs a question ("Braucht sie einen Deutschkurs?").
    if switch or parse.intent == "switch_language" and parse.confidence >= CONFIDENT and not asked and not (
            language_as_topic(text)):
        commands.append(SwitchLanguage(switch or context.language))
    expiry = _expiry_after_answer(parse, context, vocabulary)
    if expiry:
        # A new topic the message names stays ("but it runs out, can I keep working?"); the question
        # before, only asked again with the title named ("mein Visum ist aber schon abgelaufen!"), does not.
        renamed = [c for c in asked if isinstance(c, (AskQuestion, NotCovered)) and c.frame.topic != context.frame.topic]
        return commands + (asked if renamed else expiry)
    enquiry_intent = (parse.intent or "").startswith("enquiry_") or parse.intent == "start_enquiry"
    # Asking vs applying: a question is answered (and the enquiry offered); a request starts it.
    # A topic whose answer offers an enquiry names it too ("I'd like to file the pick-up of my card").
    frames = [c.frame for c in asked if isinstance(c, (AskQuestion, NotCovered))]
    topic_concern = _topic_concern(frames)
    named = concern_of(read_details(text, vocabulary), vocabulary) or topic_concern or context.offered
    folded = fold(text)
    # "I would like to know ...", "telefonnumer fur termin": a question, not a wish to apply.
    asking = vocabulary.asking.any(folded, typos=False) or (
        vocabulary.asked_for.any(folded) and not re.search(r"\d", text))
    # A question anywhere in the message ("... beantragt, wie ist der Stand?") is answered, never a request.
    # "I'd like to know how to extend my permit", "ich möchte wissen, wie ich verlängere": asked indirectly.
    question = is_question(text, vocabulary, anywhere=True) or asking and any(
        token in vocabulary.question_words_anywhere for token in folded.split())
    # "I lost my card, what should I do": the wish in its exact words, before the question, still applies.
    applying = not is_question(text, vocabulary) and not asking and (
        wants_enquiry(parse, vocabulary) and (named or enquiry_intent) and (
            not question or vocabulary.applying.any(folded))
        or not question and enquiry_intent and parse.confidence >= CONFIDENT
        or context.offered is not None and (parse.intent == "affirm" or not asked and accepts_offer(folded, vocabulary)))
    # "Ich möchte verlängern, können Sie das bitte aufnehmen?": a request in a question's words.
    applying = applying or not asked and bool(named) and wants_enquiry(parse, vocabulary) and (
        vocabulary.requesting.any(folded, typos=False))
    # "I want to apply for my extension, can we do it right now?": a wish to apply with a question
    # whether it can be done now or here (asking at most how it goes; "I need to apply ..." names
    # the documents only by a weak word) is the request itself.
    applying = applying or bool(named or enquiry_intent and parse.confidence >= CONFIDENT) and (
        vocabulary.applying.any(folded) and vocabulary.right_now.any(folded, typos=False)
        and not strip_fillers(folded, vocabulary.fillers).startswith(tuple(w + " " for w in vocabulary.asking_how))
        and all(isinstance(c, AskQuestion) and (c.frame.topic == "process" or not _names_topic_itself(
            c.frame.topic, _without_phrases(_without_phrases(folded, vocabulary.applying), vocabulary.right_now),
            vocabulary)) for c in asked))
    # "I need to cancel my appointment": a wish about something no enquiry does is answered.
    applying = applying and not any(_topic(f.topic, vocabulary).never_applied for f in frames
                                    if f.topic in {t.name for t in vocabulary.topics})
    # "can you take my request?", "können wir das Formular ausfüllen?": the enquiry itself asked for;
    # "could you register my address change?" with the NLU's enquiry intent: asked of the office.
    opened = strip_fillers(folded, vocabulary.fillers)
    # (Not a question naming another topic: "Darf ich weiter arbeiten, während mein Antrag bearbeitet wird?")
    applying = applying or requests_enquiry(text, vocabulary) and not (
        set(_strong_topics(folded, vocabulary, True)[0]) - set(vocabulary.request_topics)) or (
        enquiry_intent and parse.confidence >= CONFIDENT and not asking
        and any(opened.startswith(o + " ") for o in vocabulary.request_to_office)
        and all(isinstance(c, AskQuestion) and c.frame.topic == "process" for c in asked))
    # "Ich brauche einen Termin, können Sie dafür eine Terminanfrage aufnehmen?", "can you set up a
    # pick-up request for my card?": asked of the office to do a named concern's enquiry.
    applying = applying or bool(named) and not asking and _asks_office_to_do(text, named, vocabulary)
    if applying and not named and enquiry_intent and parse.confidence >= CONFIDENT:
        named = _concern_of_intent(parse.intent)
    if applying and not named:
        named = concern_of(context.frame, vocabulary)  # the matter asked about before
    if question and not applying and vocabulary.out_of_scope.any(folded, typos=False):
        # "how do I re-register my car in my new name?": another office's matter, whatever it names.
        return commands + [OutOfScope()]
    if not asked and not applying and enquiry_intent and question:
        # "I just moved. Do I have to tell you?": a question about a matter without a topic is
        # answered with how it goes for that matter (and its enquiry offered), never the form;
        # without a matter the question is answered honestly ("is there another number?").
        asked = _matter_follow_up(parse, context, vocabulary) or _matter_process(text, vocabulary)
        if not asked and folded.split()[:1] not in (["and"], ["und"]):  # a follow-up without a question before it: unclear
            asked = [NotCovered(QuestionFrame(topic="not_covered")) if vocabulary.office_words.any(folded) else OutOfScope()]
    if not asked and not applying and question and _acted_matter(text, vocabulary):
        # Whatever the NLU read: a question about doing a matter is answered with how it goes (and offered).
        asked = _matter_process(text, vocabulary)
    if applying:
        asked = []  # "Bitte einen Termin vereinbaren", "my visa expires soon, please extend": no question in it
    commands += [_needs_title(c, folded, vocabulary) for c in asked]
    if applying:
        details = read_details(text, vocabulary)
        concern = concern_of(details, vocabulary) or next(
            (c for c in (concern_of(f, vocabulary) for f in frames) if c), None)
        commands.append(StartEnquiry(concern or topic_concern or named))
    if asked or applying:
        return commands
    if on_answer:
        return commands + on_answer
    if vocabulary.office_words.any(folded) and is_question(text, vocabulary) and (parse.intent not in (
            "greet", "thank", "goodbye", "affirm", "deny", "bot_challenge", "insult") or parse.confidence < CONFIDENT):
        # An unsure "goodbye" for "were are the cards made" is a question with a typo, not a goodbye.
        details = read_details(text, vocabulary)
        return commands + [_needs_title(NotCovered(QuestionFrame(topic="not_covered", nationality=details.nationality)),
                                        folded, vocabulary)]
    if parse.intent == "out_of_scope" and parse.confidence >= 0.4:
        return commands + [OutOfScope()]
    if parse.intent == "nlu_fallback" and not commands and asks_in_words(text, vocabulary):
        # A question in words that neither the model nor the NLU can place ("wann fährt da eigentlich
        # der letzte Bus?"): said honestly (no reliable information, how to reach the office), not
        # "did you mean: fees?"; fragments, statements and "????" still get the two-stage fallback.
        return [OutOfScope()]
    return commands + ([] if commands else [Unclear(parse.intent)])


# Intents a short question may have that are no follow-up ("are you a bot?", "what can you do?").
NO_FOLLOW_UP_INTENTS = {"bot_challenge", "show_menu", "insult", "start_over", "switch_language"}


def _expiry_after_answer(parse: Parse, context: Context, vocabulary: Vocabulary) -> list[Command]:
    """ "Aber mein Titel läuft doch in der Zwischenzeit ab!", "ok but my permit runs out next week":
    right after an answer, a short statement (no question) saying the title expires soon (or has expired), without
    words of a wish to apply, objects to that answer: what applies then (apply on time, the
    Fiktionswirkung; once expired, that it is no longer automatic), with the extension offered."""
    previous, folded = context.frame, fold(parse.text)
    if previous is None or previous.topic is None or len(folded.split()) > vocabulary.follow_up_words + 4:
        return []
    if vocabulary.applying.any(folded) or requests_enquiry(parse.text, vocabulary):
        return []
    gone, soon = vocabulary.title_state(folded)
    if not (gone or soon) or gone and is_question(parse.text, vocabulary, anywhere=True):
        return []  # a question ("und wenn sie schon abgelaufen ist?") is read as one
    # "but my permit expires next week, what happens then?": the expiry stated, asked what applies then.
    details = read_details(parse.text, vocabulary)
    frame = QuestionFrame(topic="fiktion" if gone else "process", title=details.title or previous.title,
                          matter=details.matter, expired=True if gone else None, expiring=True if soon else None)
    return [AskQuestion(_expiring(frame, vocabulary))]


def _aspects(folded: str, vocabulary: Vocabulary) -> list[tuple[str, list[str]]]:
    """The aspects a follow-up asks (content/questions.yml `follow_ups`), each with its words found."""
    return [(name, hits) for name, words in vocabulary.aspects.items() if (hits := words.found(folded, typos=False))]


def _beside_weak_words(asked: list[Command], text: str, context: Context, vocabulary: Vocabulary) -> list[Command]:
    """ "can it go any faster?" after the card's weeks, "wo zahle ich das denn?" after the fee: a short
    follow-up whose one topic came from weak words only ("go", "zahle"), naming no strong topic and no
    matter or person, that asks an aspect those words are no part of ("faster", "wo"): about the answer
    before, as `_on_the_answer_before` reads it; unless the topic's answer states that aspect."""
    previous = context.frame
    if len(asked) != 1 or not isinstance(asked[0], AskQuestion) or previous is None:
        return []
    topic = next((t for t in vocabulary.topics if t.name == asked[0].frame.topic), None)
    folded = fold(text)
    if topic is None or _strong_topics(folded, vocabulary, True)[0] or read_details(text, vocabulary).has_details:
        return []
    hits = topic.weak.found(folded) + topic.weak_in_question.found(folded, typos=False)
    if not hits:
        return []  # named by the previous topic's follow words or the NLU: not a weak reading
    used = {w.rstrip("*") for hit in hits for w in hit.split()}
    other = [name for name, found in _aspects(folded, vocabulary) if not any(
        a.startswith(u) or u.startswith(a) for a in {w.rstrip("*") for f in found for w in f.split()} for u in used)]
    if not other or other[0] in topic.states:
        return []
    before = next((t for t in vocabulary.topics if t.name == previous.topic), None)
    return [AskQuestion(previous) if before is not None and other[0] in before.states else NotCovered(previous)]


def _on_the_answer_before(parse: Parse, context: Context, vocabulary: Vocabulary) -> list[Command]:
    """A short question right after an answer that names no topic of its own ("bis wann genau?",
    "und wer sieht die dann?", "any way to speed that up?") asks about that answer: answered again
    when the answer states what is asked (its topic's `states`, content/questions.yml `follow_ups`),
    else honestly not covered, with the question kept (never the menu, a goodbye or the form)."""
    previous, text = context.frame, parse.text.strip()
    folded = strip_fillers(fold(text), vocabulary.fillers) or fold(text)
    if previous is None or previous.topic is None or not is_question(text, vocabulary, anywhere=True):
        return []
    if len(folded.split()) > vocabulary.follow_up_words or (
            parse.intent in NO_FOLLOW_UP_INTENTS and parse.confidence >= CONFIDENT):
        return []
    aspect = next((name for name, words in vocabulary.aspects.items() if words.any(folded, typos=False)), None)
    if aspect is None and len(folded.split()) < 2:
        return []  # "echt?", "ok?": no question about the answer
    topic = next((t for t in vocabulary.topics if t.name == previous.topic), None)
    if topic is not None and aspect in topic.states:
        return [AskQuestion(previous)]
    return [NotCovered(previous)]


def asks_in_words(text: str, vocabulary: Vocabulary) -> bool:
    """Whether the message is a question by its words (a question word first after fillers, also
    with a slip, or a question opener anywhere), of at least three words: not a question mark alone."""
    folded = fold(text)
    words = strip_fillers(folded, vocabulary.fillers).split()
    if len(words) < 3:
        return False
    return (words[0] in vocabulary.question_words or is_question_word_slip(words[0], vocabulary.question_words)
            or vocabulary.question_openers.any(folded, typos=False))


def _asks_office_to_do(text: str, concern: str, vocabulary: Vocabulary) -> bool:
    """A sentence opened by asking the office ("können Sie", "can you", "please", "tragen Sie") with
    one of its doing verbs (content/questions.yml `enquiry_request.office_verbs`), naming no topic but
    the concern's own and the request's: the request for that concern's enquiry ("..., please
    register that for me", "..., können Sie das für mich veranlassen?")."""
    own = {_topic_of_concern(concern)} | set(vocabulary.request_topics) | {"eat", "appearance"}
    for clause in re.split(r"[,.;:!?]+|\s[-–]\s", text):
        opened = strip_fillers(fold(clause).strip(), vocabulary.fillers)
        if any(opened.startswith(o + " ") for o in vocabulary.request_to_office + vocabulary.office_openers) and (
                vocabulary.office_verbs.any(opened, typos=False)) and not (
                set(_strong_topics(opened, vocabulary, True)[0]) - own):
            return True
    return False


def _concern_of_intent(intent: str | None) -> str | None:
    """The concern the NLU's enquiry intent names (not "other", which asks which)."""
    from bot.catalogue import load_catalogue

    concern = load_catalogue().by_intent(intent or "")
    return concern.id if concern is not None and concern.id != "other" else None


def requests_enquiry(text: str, vocabulary: Vocabulary) -> bool:
    """A request for the enquiry itself ("can you take my request?", "let's do the form",
    "können Sie meinen Antrag aufnehmen?"; content/questions.yml `enquiry_request`): an opener
    first (after fillers), a verb and an object of it; not "how do I ..." nor "tell me ..."."""
    folded = strip_fillers(fold(text), vocabulary.fillers)
    if not any(folded.startswith(opener + " ") for opener in vocabulary.request_openers):
        return False
    if vocabulary.asking.any(folded, typos=False):
        return False
    return vocabulary.request_verbs.any(folded) and vocabulary.request_objects.any(folded)


def answers_instead_of_adding(parse: Parse, context: Context, vocabulary: Vocabulary | None = None) -> bool:
    """A message the NLU reads as an addition to a case that names no case and asks a question
    ("my kids 8 and 10 come along"): answered, not explained how to add to a case. A message with
    a case number never gets here (actions/follow_up.py)."""
    vocabulary = vocabulary or load_vocabulary()
    folded = fold(parse.text)
    commands = interpret(parse, context, vocabulary)
    if vocabulary.case_words.any(folded, typos=False):
        # "can someone check where my case is at?": a question about the case itself (its status) is
        # answered; "ich möchte zu meinem Vorgang etwas nachreichen" adds to it.
        return not vocabulary.adding_to_case.any(folded, typos=False) and any(
            isinstance(c, AskQuestion) and c.frame.topic in vocabulary.case_questions for c in commands)
    return any(isinstance(c, (AskQuestion, NotCovered)) for c in commands)


def accepts_offer(folded: str, vocabulary: Vocabulary) -> bool:
    """ "ja, dann bitte abschicken", "go ahead and send it": yes to the enquiry just offered
    (content/questions.yml `accepting`), unless the message says no or not."""
    return vocabulary.accepting.any(folded, typos=False) and not vocabulary.declining.any(folded, typos=False)


@lru_cache(maxsize=64)
def _topic_of_concern(concern: str) -> str | None:
    """The topic whose answer offers this enquiry (card_pickup: pickup), if any."""
    from actions.dialogue.compose import TOPIC_ANSWERS

    return next((topic for topic in TOPIC_ANSWERS if _topic_concern([QuestionFrame(topic=topic)]) == concern), None)


def _topic_concern(frames: list[QuestionFrame]) -> str | None:
    """The enquiry the answer to one of these topics (or what it is for) offers in
    content/knowledge.yml: the pick-up, an appointment, the settlement permit; not "other"."""
    from actions.dialogue.compose import TOPIC_ANSWERS
    from bot import knowledge as kb
    from bot.catalogue import load_catalogue

    for frame in frames:
        for topic in (frame.topic, frame.occasion):
            offered = kb.offer(TOPIC_ANSWERS.get(topic or "", "")) if topic in TOPIC_ANSWERS else None
            concern = load_catalogue().by_intent(offered) if offered else None
            if concern is not None and concern.id != "other":
                return concern.id
    return None


@lru_cache
def _choice_words() -> frozenset[str]:
    """The words that pick a purpose or a kind of title (content/keywords.yml), folded; not the
    family purposes' words for people ("Mann", "Kind" are also family names)."""
    data = yaml.safe_load((CONTENT_DIR / "keywords.yml").read_text(encoding="utf-8"))
    return frozenset(fold(w) for table in ("purposes", "title_kinds") for key, words in data[table].items()
                     if not key.startswith("family_") for w in words)


def _is_a_choice(folded: str, vocabulary: Vocabulary) -> bool:
    """ "Arbeit", "Studium", "Residence permit": a whole answer that picks a purpose or a title."""
    rest = strip_fillers(folded, vocabulary.fillers) or folded
    return rest in _choice_words()


def _names_a_document_or_matter(folded: str, vocabulary: Vocabulary) -> bool:
    """ "Reisepass", "Blaue Karte", "Verlängerung": exact words only (a name may be one typo from a word)."""
    lists = [t.strong for t in vocabulary.topics] + [m.words for m in vocabulary.matters] + list(vocabulary.titles.values())
    return any(words.any(folded, typos=False) for words in lists)


def _no_name(folded: str, max_words: int | None, vocabulary: Vocabulary) -> bool:
    """ "ich meinte Studium nicht Ausbildung", "oops wrong button", "for my studies at the university":
    more words than a name has, a word no name holds (content/questions.yml form_moves `not_in_names`:
    corrections and their reasons), or a purpose's or a title's word anywhere (content/keywords.yml;
    not the words that are names too, form_moves `names_too`)."""
    if max_words and len(folded.split()) > max_words:
        return True
    moves = vocabulary.form_moves
    if moves["not_in_names"].any(folded, typos=False):
        return True
    padded = f" {folded} "
    return any(f" {word} " in padded for word in _choice_words() if not moves["names_too"].any(word, typos=False))


def interpret_in_form(parse: Parse, context: Context, vocabulary: Vocabulary | None = None) -> list[Command]:
    """A turn while the form asks `context.requested`, as commands: back, puzzled, cancel, a
    question (answered, then the same field is asked again), an implausible value, a
    correction of an earlier answer, skip, or the answer (SetField, parsed by the form).

    The summary (`confirmed`) and the choice of the matter (`concern`) stay with the form.
    """
    vocabulary = vocabulary or load_vocabulary()
    reading = context.reading or FormReading()
    text = parse.text.strip()
    requested = context.requested or ""
    confident = parse.confidence >= CONFIDENT
    if text.startswith("/"):
        if parse.intent == "skip" and requested not in ("concern", "confirmed"):
            return [SkipField(requested)]
        if parse.intent in LEAVING_INTENTS:
            return [CancelEnquiry()]
        return [SetField(requested, text)]  # another button: its intent decides in the form
    folded = fold(text)
    moves = vocabulary.form_moves
    if requested not in ("concern", "confirmed") and (_is_move("back", folded, vocabulary) or (
            _opens_with_move("back", text, vocabulary) and not is_question(text, vocabulary)) or (
            reading.named and moves["back"].any(folded, typos=False) and _correction(reading, requested, folded, vocabulary))):
        # "wait, go one step back please", "zurück bitte, ich hab mich vertippt"; with an earlier
        # field named ("go back, my birthday is wrong") that field is asked again.
        correction = _correction(reading, requested, folded, vocabulary)
        return [correction if correction else GoBack()]
    if requested not in ("concern", "confirmed") and is_whole(moves["skip_rest"], folded, vocabulary.fillers):
        return [SkipOptional()]  # "skip the rest": every optional question still open
    if requested != "confirmed" and _is_move("puzzled", folded, vocabulary):
        return [Puzzled()]  # "hä?", "could you repeat the question?", "wie war die Frage nochmal"
    if requested not in ("", "concern", "confirmed", "message") and (
            is_question(text, vocabulary, anywhere=True)) and (moves["why_asked"].any(folded, typos=False) or (
            reading.names_asked and moves["about_asked"].any(folded, typos=False))):
        return [Puzzled()]  # "why do you need that?", "what's a case number?": the question explained, then asked again
    if not reading.structured and (parse.intent in LEAVING_INTENTS and confident
                                   or _leaves(text, folded, requested, vocabulary, context.concern)):
        return [CancelEnquiry(call=mentions_calling(text, vocabulary))]
    if requested in ("", "concern", "confirmed"):
        return [SetField(requested, text)]
    correction = _correction(reading, requested, folded, vocabulary)
    if correction and not read_clause(text, None, True, vocabulary).topics and not (requested == "message" and len(text) > 80):
        return [correction]  # "can I change my nationality?" is a correction, not a question
    if reading.declines and reading.optional and "?" not in text:
        return [SkipField(requested)]  # "brauchen Sie nicht, E-Mail reicht": no question, the optional field declined
    if requested != "message" and is_question(text, vocabulary, anywhere=True):
        asked = questions(parse, context, vocabulary)
        if asked:
            return asked
    # A correction of an earlier answer; asked for the message, a long description is the answer.
    if correction and not (requested == "message" and len(text) > 80):
        return [correction]  # "ich meinte die Abholung meiner Karte, nicht die Verlängerung": not a document as a name
    if requested in FREE_TEXT_FIELDS and (_names_a_document_or_matter(folded, vocabulary) or _is_a_choice(folded, vocabulary)
                                          or requested in NAME_FIELDS and not reading.answer_first
                                          and not (reading.declines or _is_move("skip", folded, vocabulary))
                                          and not is_question(text, vocabulary, anywhere=True)
                                          and _no_name(folded, NAME_FIELDS[requested], vocabulary)):
        return [Implausible(requested)]
    wants_skip = (parse.intent == "skip" and confident or _is_move("skip", folded, vocabulary) or reading.declines)
    if wants_skip and (reading.optional or not reading.valid or requested in NAME_FIELDS):
        return [SkipField(requested)]  # a required field: the executor says why it is needed ("skip" is no name)
    return [SetField(requested, text)]


def _is_move(move: str, folded: str, vocabulary: Vocabulary) -> bool:
    """The whole message is the move (content/questions.yml form_moves), or its words with only
    politeness, "go", "one step" or hesitation beside them (form_moves `around`)."""
    moves = vocabulary.form_moves
    return is_whole(moves[move], folded, vocabulary.fillers) or is_made_of(
        moves[move], moves["around"], folded, vocabulary.fillers)


def _opens_with_move(move: str, text: str, vocabulary: Vocabulary) -> bool:
    """The message's first part (up to a comma or a sentence's end) is the move, a reason follows
    ("zurück bitte, da hab ich mich vertippt", "go back please. I typed it wrong")."""
    parts = [p for p in re.split(r"[,;:!.]+\s*|\s+-\s+", text) if p.strip()]
    return len(parts) > 1 and _is_move(move, fold(parts[0]), vocabulary)


def _leaves(text: str, folded: str, requested: str, vocabulary: Vocabulary, concern: str | None = None) -> bool:
    """A wish to leave the enquiry: a cancel move ("forget it, I'll just call you": the cancel
    words with calling words beside them), or, in a message that is no question, words that
    say the client would rather call or stop (form_moves `leaving`), or the cancel words with a
    reason beside them ("I found the card again, please cancel"; not when they cancel another
    matter: "cancel my appointment" in an extension). Not inside a long message."""
    moves = vocabulary.form_moves
    beside = Words(moves["around"].phrases + moves["calling"].phrases + moves["leaving"].phrases)
    if is_whole(moves["cancel"], folded, vocabulary.fillers) or is_made_of(
            Words(moves["cancel"].phrases + moves["leaving"].phrases), beside, folded, vocabulary.fillers):
        return True
    if requested == "message" and len(folded.split()) > 8:
        return False  # the client's own description may say anything
    if is_question(text, vocabulary):
        return False
    if moves["leaving"].any(folded, typos=False):
        return True
    if requested == "message":
        return False  # "Studium beenden" may be what the client wants to tell the unit
    matter = vocabulary.matter(read_details(text, vocabulary).matter)
    other = matter is not None and matter.concern != concern
    return moves["cancel"].any(folded, typos=False) and not other


def mentions_calling(text: str, vocabulary: Vocabulary | None = None) -> bool:
    """Whether a typed message says the client would call (form_moves `calling`); buttons never do."""
    vocabulary = vocabulary or load_vocabulary()
    return not text.startswith("/") and vocabulary.form_moves["calling"].any(fold(text), typos=False)


def _correction(reading: FormReading, requested: str, folded: str, vocabulary: Vocabulary) -> CorrectField | None:
    """A change of an earlier answer: read by the form's change words, or another field's name
    said with a correcting word of content/questions.yml ("nein, mein Geburtstag ist ...")."""
    if reading.correction and reading.correction[0] != requested:
        field, value = reading.correction
        if value is None and reading.named and reading.named[0] == field:
            value = reading.named[1]
        return CorrectField(field, value, value is not None)
    if reading.named and reading.named[0] != requested and vocabulary.form_moves["correcting"].any(folded, typos=False) and (
            reading.named[1] is not None or not reading.declines):  # "nope, e-mail is fine": the asked field declined
        field, value = reading.named
        return CorrectField(field, value, value is not None)
    return None


# Intents that leave the form (a rule of the stack carries it out).
LEAVING_INTENTS = {"cancel", "start_over"}
