"""The words the conversation model reads (content/questions.yml).

Text and words are compared folded and matched by ``Words`` (bot/folding.py, shared with Rasa's
language policy): lower case, umlauts and their spellings "ae/oe/ue" reduced to the plain vowel,
"ß" to "ss". A single word of 6+ letters also matches with one typo (10+ letters: two), a word
of 5 letters with one vowel left out inside it ("brng" = "bring"), and so do the words of a
phrase; a word ending in "*" matches every ending (a stem of 8+ letters also with one slip:
"fingerprnts" = "fingerprint*"). A phrase with "..." matches its parts in that order with any
words between them ("braucht ... eine aufenthaltserlaubnis" = "Braucht mein Mann eine
Aufenthaltserlaubnis?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import CONTENT_DIR
# The one matcher, shared with Rasa's language policy (bot/language.py); the model's modules
# import these from here.
from bot.folding import GAP, Words, _distance, _typo_hit, fold  # noqa: F401

QUESTIONS_PATH = CONTENT_DIR / "questions.yml"


def question_word_meant(token: str, question_words: frozenset[str]) -> str | None:
    """The question word a slip stands for ("wan" -> "wann", "wich" -> "which"), if it is one."""
    if not is_question_word_slip(token, question_words):
        return None
    if len(token) == 3:
        return min(w for w in question_words if len(w) == 4 and w[0] == token[0]
                   and any(w[:i] + w[i + 1:] == token for i in range(1, 4)))
    return min(w for w in question_words if len(w) >= 5 and " " not in w and w[0] == token[0]
               and _distance(token, w, 1) <= 1)


@lru_cache(maxsize=4096)
def is_question_word_slip(token: str, question_words: frozenset[str]) -> bool:
    """A question word of 5+ letters typed with one slip, the first letter right ("wich", "wher",
    "shoud", "welsche"), or one of 4 letters with a letter left out ("wan", "wen"); otherwise
    shorter ones are too close to other words ("went" is no "when")."""
    if len(token) == 3:  # a letter left out of a 4-letter one ("wan", "wen"; not the first)
        return token not in question_words and any(
            len(word) == 4 and word[0] == token[0] and any(word[:i] + word[i + 1:] == token for i in range(1, 4))
            for word in question_words)
    return len(token) >= 4 and token not in question_words and any(
        len(word) >= 5 and " " not in word and word[0] == token[0] and _distance(token, word, 1) <= 1
        for word in question_words)


@dataclass(frozen=True)
class Topic:
    name: str
    strong: Words
    weak: Words
    covers: tuple[str, ...] = ()
    weak_in_question: Words = Words(())
    follow: Words = Words(())   # words that ask on about this topic when the previous question was on it
    person_object: Words = Words(())  # bring words: with a person as what is brought, this topic is asked
    things: Words = Words(())         # what-words that keep a bring word a question about things
    needing: Words = Words(())        # need words that may stand beside the bring words
    in_question: Words = Words(())   # strong, but only in a question ("need ... a visa": "I need a visa" is a request)
    settles: Words = Words(())       # not-covered words this topic's answer does answer ("wie lange dauert" for the card)
    follow_nationality: bool = False  # a nationality right after a question on this topic asks on about it
    follow_covers: tuple[str, ...] = ()  # topics whose strong words its follow words outweigh right after it
    after: tuple[str, ...] = ()       # topics right after which its `after_words` ask about this topic
    after_words: Words = Words(())    # "what replaced it?" after the old sticker: the eAT
    when_expiring: Words = Words(())  # words that ask about this topic when the title is said to expire soon
    about_it: Words = Words(())       # "what do I do with it?": asks about the thing the message or the previous question named
    follow_purpose: str | None = None  # a purpose named right after a question on this topic asks that topic
    matter_offer: bool = True         # whether a matter named with it offers that matter's enquiry
    about_other: bool = False         # "what does it depend on?": asks about the topic the clause or the previous question named
    open: bool = False                # "what now?": asks about the topic a statement before it in the message named
    open_weak: bool = False           # so does a question of it named only by its weak words ("wie komme ich da ran?")
    never_applied: bool = False       # "I need to cancel my appointment": said as a wish, still answered, never an enquiry
    states: tuple[str, ...] = ()      # the aspects (`aspects`) its answer states: "bis wann genau?" after it is answered again


@dataclass(frozen=True)
class Matter:
    name: str
    words: Words
    concern: str | None
    fee: str | None
    keeps: tuple[str, ...] = ()   # matters a later clause of the same message names that mean this one
    carries: bool = True          # whether a question on another topic in a later turn is still about it
    titles: tuple[str, ...] = ()  # titles that make a matter of `keeps` this one when the message names them


@dataclass(frozen=True)
class Vocabulary:
    topics: tuple[Topic, ...]
    matters: tuple[Matter, ...]
    titles: dict[str, Words]
    persons: dict[str, Words]
    not_covered: Words
    office_words: Words
    applying: Words
    question_words: frozenset[str]
    separators: tuple[str, ...]
    switch_language: dict[str, Words]
    occasions: tuple[str, ...] = ()      # "for my", "zum": a topic word after them is the occasion, not the question
    references: Words = Words(())        # "dafür", "she": the clause refers to the previous question's person
    fillers: frozenset[str] = frozenset()  # "hey", "yo", "also": skipped before a question word
    form_moves: dict[str, Words] = field(default_factory=dict)  # back, puzzled, skip, cancel: whole messages
    asking: Words = Words(())          # "I would like to know ...": a wish to apply becomes a question
    requesting: Words = Words(())      # "können Sie das aufnehmen?": a question becomes a request
    asked_for: Words = Words(())       # "telefonnummer": information asked for, never applied for
    case_words: Words = Words(())      # "Vorgang", "nachreichen": an existing case or adding to it
    case_questions: tuple[str, ...] = ()  # topics a question naming the case is still answered with (the status)
    adding_to_case: Words = Words(())  # "nachreichen", "add": ... unless something is added to it
    right_now: Words = Words(())       # "can we do it right now?": with a wish to apply, the enquiry starts
    asking_how: tuple[str, ...] = ()   # "how do I apply ... here?": a message opening so asks how, never to start now
    accepting: Words = Words(())       # "ja, bitte abschicken": yes to the enquiry just offered
    doing: Words = Words(())           # "kann das mein Sohn machen?": a person doing what the question was for
    declining: Words = Words(())       # "nein", "not yet": no yes to it after all
    same_topic: Words = Words(())      # "seit wann?", "why?": asks on about the previous answer
    conditions: Words = Words(())      # "auch wenn ...?", "what if ...?": a condition on the previous answer
    question_words_anywhere: frozenset[str] = frozenset()  # wh-words: a later part starting with one is a question
    expired: Words = Words(())         # "schon abgelaufen", "too late": the title has already expired
    expired_answered: tuple[str, ...] = ()  # topics whose answer says what applies then
    expiring: Words = Words(())        # "läuft in zwei Wochen ab", "expires tomorrow": the title expires soon
    expiring_matter: str | None = None  # the matter a question about what to do then is about (its extension)
    expiring_topics: tuple[str, ...] = ()  # the topics whose question is then about that matter
    expiring_process_covers: tuple[str, ...] = ()  # topics the answer on what to do then also answers
    purposes: dict[str, Words] = field(default_factory=dict)  # purposes of a residence permit, by id
    counted: frozenset[str] = frozenset()  # "2 Kinder": a number before these words counts people
    age_below: tuple[str, ...] = ()        # "under 18": the number after these words is a bound, no age
    needs_title: dict[str, Words] = field(default_factory=dict)  # needing, things: with a nationality, whether a title is needed
    needs_title_instead_of: tuple[str, ...] = ()  # topics such a question is read as instead
    specific_question_words: tuple[str, ...] = ()  # "wie viele", "when": a question the process does not answer
    question_openers: Words = Words(())  # "was muss ich", "ab welchem": a question anywhere in the message
    with_self: Words = Words(())       # "für mich und meine Tochter": the client and another person, one question
    which_words: frozenset[str] = frozenset()  # "welches", "what": the word after them is the thing asked for
    not_things: frozenset[str] = frozenset()   # words after a which-word that name no thing ("what do", "was genau")
    out_of_scope: Words = Words(())    # "auto ummelden", "car": a question about another office's matter
    request_openers: tuple[str, ...] = ()  # "can you", "können wir": a request for the enquiry starts with one
    request_verbs: Words = Words(())       # "take", "ausfüllen": ... then names doing it
    request_objects: Words = Words(())     # "request", "Formular": ... to the enquiry itself
    request_topics: tuple[str, ...] = ()   # topics such a request may name; another topic makes it a question
    request_to_office: tuple[str, ...] = ()  # "could you", "können Sie": with an enquiry intent, a request
    office_verbs: Words = Words(())        # "aufnehmen", "set up": asked of the office with a concern, a request
    aspects: dict[str, Words] = field(default_factory=dict)  # what a short follow-up asks of the answer before (until, where, who ...)
    follow_up_words: int = 10               # a follow-up on the answer before has at most this many words
    office_openers: tuple[str, ...] = ()   # "please", "tragen Sie": with an office verb, asked of the office too
    not_persons: Words = Words(())         # "what kind of": its "kind" is no child
    uncovered_held: Words = Words(())      # "Aufenthaltsgestattung" ... with one of
    uncovered_doing: Words = Words(())     # "jobben", "internship": what one may do with it, not published
    hedges: frozenset[str] = frozenset()   # "genau", "exactly": words inside a question that change nothing
    respelled: frozenset[str] = frozenset()  # "much", "viel": words also read with two letters swapped ("mcuh", "veil")

    def title_state(self, folded: str) -> tuple[bool, bool]:
        """(expired, expiring) of the title a text speaks of: expired by its exact words, unless
        they are part of an expiring phrase ("about to run out"); expiring also with a slip
        ("expirs next month"), when it has not expired."""
        soon = self.expiring.found(folded)
        expired = any(not any(hit in phrase for phrase in soon) for hit in self.expired.found(folded, typos=False))
        return expired, not expired and bool(soon)

    def matter(self, name: str | None) -> Matter | None:
        """The matter called `name`, if there is one."""
        return next((m for m in self.matters if m.name == name), None)

    @cached_property
    def thing_words(self) -> tuple[Words, ...]:
        """The lists whose words name a thing the model knows (a topic's, a matter's, a title's,
        a person's, the not-covered ones): a word after a which-word that none of them names is
        a thing asked for that the model does not know ("what German level")."""
        return (tuple(w for t in self.topics for w in (t.strong, t.weak, t.in_question, t.follow))
                + tuple(m.words for m in self.matters) + tuple(self.titles.values())
                + tuple(self.persons.values()) + (self.not_covered,))

    @cached_property
    def matter_words(self) -> Words:
        """The single words that name a matter and no topic ("extension" in "for my extension
        appointment"; not "Termin", which is the occasion itself in "zum Termin mitbringen").

        Derived once per vocabulary (every matter word against every topic's words: ~9 ms CPU per
        message under load when built for each message, docs/BENCHMARKS.md).
        """
        return Words(tuple(p for m in self.matters for p in m.words.phrases if " " not in p
                           and not any(t.strong.any(p.rstrip("*"), typos=False) for t in self.topics)))


def parse_vocabulary(data: dict[str, Any]) -> Vocabulary:
    """The vocabulary from the parsed YAML; KeyError/TypeError name a malformed section."""
    return Vocabulary(
        topics=tuple(Topic(name, Words.of(t.get("strong")), Words.of(t.get("weak")), tuple(t.get("covers") or ()),
                           Words.of(t.get("weak_in_question")), Words.of(t.get("follow")),
                           Words.of(t.get("person_object")), Words.of(t.get("things")), Words.of(t.get("needing")),
                           Words.of(t.get("in_question")), Words.of(t.get("settles")), bool(t.get("follow_nationality")),
                           tuple(t.get("follow_covers") or ()), tuple(t.get("after") or ()),
                           Words.of(t.get("after_words")), Words.of(t.get("when_expiring")), Words.of(t.get("about_it")),
                           t.get("follow_purpose"), bool(t.get("matter_offer", True)), bool(t.get("about_other")),
                           bool(t.get("open")), bool(t.get("open_weak")), bool(t.get("never_applied")),
                           tuple(t.get("states") or ()))
                     for name, t in data["topics"].items()),
        matters=tuple(Matter(name, Words.of(m["words"]), m.get("concern"), m.get("fee"), tuple(m.get("keeps") or ()),
                             bool(m.get("carries", True)), tuple(m.get("titles") or ()))
                      for name, m in data["matters"].items()),
        titles={k: Words.of(v) for k, v in data["titles"].items()},
        persons={k: Words.of(v) for k, v in data["persons"].items()},
        not_covered=Words.of(data["not_covered"]),
        office_words=Words.of(data["office_words"]),
        applying=Words.of(data["applying"]),
        question_words=frozenset(fold(w) for w in data["question_words"]),
        separators=tuple(data["separators"]),
        switch_language={k: Words.of(v) for k, v in data["switch_language"].items()},
        occasions=tuple(fold(w) for w in data["occasions"]),
        references=Words.of(data["references"]),
        fillers=frozenset(fold(w) for w in data["fillers"]),
        form_moves={k: Words.of(v) for k, v in data["form_moves"].items()},
        asking=Words.of(data["asking"]),
        requesting=Words.of(data["requesting"]),
        asked_for=Words.of(data.get("asked_for") or ()),
        case_words=Words.of(data.get("case_words") or ()),
        case_questions=tuple(data.get("case_questions") or ()),
        adding_to_case=Words.of(data.get("adding_to_case") or ()),
        right_now=Words.of(data.get("right_now") or ()),
        asking_how=tuple(data.get("asking_how") or ()),
        accepting=Words.of(data.get("accepting") or ()),
        doing=Words.of(data.get("doing") or ()),
        declining=Words.of(data.get("declining") or ()),
        same_topic=Words.of(data["same_topic"]),
        conditions=Words.of(data.get("conditions") or ()),
        question_words_anywhere=frozenset(fold(w) for w in data["question_words_anywhere"]),
        expired=Words.of((data.get("expired") or {}).get("words")),
        expired_answered=tuple((data.get("expired") or {}).get("answered_for") or ()),
        expiring=Words.of((data.get("expiring") or {}).get("words")),
        expiring_matter=(data.get("expiring") or {}).get("matter"),
        expiring_topics=tuple((data.get("expiring") or {}).get("for_topics") or ()),
        expiring_process_covers=tuple((data.get("expiring") or {}).get("process_covers") or ()),
        purposes={k: Words.of(v) for k, v in (data.get("purposes") or {}).items()},
        counted=frozenset(fold(w) for w in data.get("counted") or ()),
        age_below=tuple(fold(w) for w in data.get("age_below") or ()),
        needs_title={k: Words.of((data.get("needs_title") or {}).get(k)) for k in ("needing", "things")},
        needs_title_instead_of=tuple((data.get("needs_title") or {}).get("instead_of") or ()),
        specific_question_words=tuple(fold(w) for w in data.get("specific_question_words") or ()),
        question_openers=Words.of(data.get("question_openers")),
        with_self=Words.of(data.get("with_self")),
        which_words=frozenset(fold(w) for w in (data.get("asked_things") or {}).get("which_words") or ()),
        not_things=frozenset(fold(w) for w in (data.get("asked_things") or {}).get("not_things") or ()),
        out_of_scope=Words.of(data.get("out_of_scope")),
        request_openers=tuple(fold(w) for w in (data.get("enquiry_request") or {}).get("openers") or ()),
        request_verbs=Words.of((data.get("enquiry_request") or {}).get("verbs")),
        request_objects=Words.of((data.get("enquiry_request") or {}).get("objects")),
        request_topics=tuple((data.get("enquiry_request") or {}).get("topics") or ()),
        request_to_office=tuple(fold(w) for w in (data.get("enquiry_request") or {}).get("to_office") or ()),
        office_verbs=Words.of((data.get("enquiry_request") or {}).get("office_verbs")),
        aspects={k: Words.of(v) for k, v in ((data.get("follow_ups") or {}).get("aspects") or {}).items()},
        follow_up_words=int((data.get("follow_ups") or {}).get("at_most_words", 10)),
        office_openers=tuple(fold(w) for w in (data.get("enquiry_request") or {}).get("office_openers") or ()),
        not_persons=Words.of(data.get("not_persons")),
        uncovered_held=Words.of((data.get("not_covered_together") or {}).get("held")),
        uncovered_doing=Words.of((data.get("not_covered_together") or {}).get("doing")),
        hedges=frozenset(fold(w) for w in data.get("hedges") or ()),
        respelled=frozenset(fold(w) for w in data.get("respelled") or ()),
    )


def strip_fillers(folded: str, fillers: frozenset[str]) -> str:
    """The folded text without the fillers it starts with ("ok so can ..." -> "can ...")."""
    stripped = True
    while folded and stripped:
        stripped = False
        for filler in sorted(fillers, key=len, reverse=True):
            if folded == filler or folded.startswith(filler + " "):
                folded, stripped = folded[len(filler):].strip(), True
                break
    return folded


def is_whole(words: Words, folded: str, fillers: frozenset[str] = frozenset()) -> bool:
    """Whether the whole message is one of the phrases (a word of 6+ letters also with one typo)."""
    rest = strip_fillers(folded, fillers) or folded  # "ok" or "ja" alone is no empty message
    if rest in words.phrases or folded in words.phrases:
        return True
    return " " not in rest and bool(rest) and any(
        " " not in p and not p.endswith("*") and _typo_hit(p, [rest]) for p in words.phrases)


def is_made_of(words: Words, around: Words, folded: str, fillers: frozenset[str] = frozenset()) -> bool:
    """Whether the message is one of the phrases with only words of `around` or fillers beside it
    ("wait go one step back please": "one step back" with "wait", "go", "please"); the phrases'
    words of 6+ letters also with one typo."""
    tokens = folded.split()
    covered = [False] * len(tokens)
    for phrase in words.phrases:
        if not phrase or GAP in phrase or phrase.endswith("*"):
            continue
        parts = phrase.split()
        for i in range(len(tokens) - len(parts) + 1):
            if all(t == w or len(w) >= 6 and _typo_hit(w, [t]) for w, t in zip(parts, tokens[i:i + len(parts)])):
                covered[i:i + len(parts)] = [True] * len(parts)
    if not any(covered):
        return False
    beside = {w for phrase in around.phrases for w in phrase.split()} | {w for f in fillers for w in f.split()}
    return all(hit or token in beside for token, hit in zip(tokens, covered))


def without_occasions(folded: str, occasions: tuple[str, ...], modifiers: Words | None = None) -> str:
    """The folded text without occasion phrases and the word after them:
    "what do i need to bring for my appointment" -> "what do i need to bring"; after a word of
    `modifiers` (a matter's) also the next one ("to my extension appointment")."""
    if not occasions:
        return folded
    pattern = r"\b(?:" + "|".join(re.escape(o) for o in sorted(occasions, key=len, reverse=True)) + r") [a-z0-9']+"
    if modifiers is not None:
        folded = re.sub(pattern + r" ([a-z0-9']+)", lambda m: " " if modifiers.any(m.group(0).split()[-2]) else m.group(0),
                        folded)
    return " ".join(re.sub(pattern, " ", folded).split())


def with_concern_names(vocabulary: Vocabulary, names: dict[str, list[str]]) -> Vocabulary:
    """Each matter also named by its concern's names ("Terminanfrage", "Request for an appointment")."""
    matters, named = [], set()
    for matter in vocabulary.matters:  # the first matter of a concern takes its names
        extra = tuple(fold(n) for n in names.get(matter.concern or "", [])) if matter.concern not in named else ()
        named.add(matter.concern)
        matters.append(replace(matter, words=Words(matter.words.phrases + extra)))
    return replace(vocabulary, matters=tuple(matters))


@lru_cache
def load_vocabulary(path: Path = QUESTIONS_PATH) -> Vocabulary:
    from bot.catalogue import load_catalogue

    names = {c.id: list(c.name.values()) for c in load_catalogue().concerns.values()}
    return with_concern_names(parse_vocabulary(yaml.safe_load(path.read_text(encoding="utf-8"))), names)
