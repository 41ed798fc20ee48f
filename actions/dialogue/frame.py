"""The question frame: what a client asks about, carried across turns.

A follow-up ("und wenn das Kind 12 ist?", "and for a visa?") fills only what it
changes; everything else stays from the previous question.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from actions.dialogue.vocabulary import Vocabulary, Words, fold
from actions.fields import nationality_named
from bot.knowledge import read_age

ADULT_AGE = 18
# "und mit 19?", "15?", "and for 12?": a lone small number in a short follow-up is an age.
_LONE_NUMBER = re.compile(r"(?<![\d.,:/])\b(\d{1,2})\b(?![\d.,:/]|\s*(?:euro|eur|%|uhr|mb))")


@dataclass(frozen=True)
class QuestionFrame:
    topic: str | None = None      # fee, documents, appearance, pickup, fiktion, eat, appointments, process, ...
    matter: str | None = None     # a key of `matters` in content/questions.yml (extension, visa_extension, ...)
    title: str | None = None      # the document held: schengen_visa, national_visa, blue_card
    person: str | None = None     # None (the client), "child" or "relative"
    age: int | None = None
    occasion: str | None = None   # the topic the question is for ("documents" for the "pickup")
    nationality: str | None = None  # the person's nationality, an alpha-3 code ("er ist Italiener")
    expired: bool | None = None   # the title has already expired ("und wenn er schon abgelaufen ist?")
    expiring: bool | None = None  # the title expires soon ("läuft in zwei Wochen ab", "expires tomorrow")
    purpose: str | None = None    # a purpose of a residence permit (content/questions.yml `purposes`)

    @property
    def minor(self) -> bool:
        return self.age < ADULT_AGE if self.age is not None else self.person == "child"

    def as_slot(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_slot(cls, value: Any) -> "QuestionFrame | None":
        if not isinstance(value, dict):
            return None
        known = {f.name: value.get(f.name) for f in fields(cls)}
        if known["age"] is not None and not isinstance(known["age"], int):
            known["age"] = None
        if not isinstance(known["nationality"], str):
            known["nationality"] = None
        for flag in ("expired", "expiring"):
            if known[flag] is not True:
                known[flag] = None
        if not isinstance(known["purpose"], str):
            known["purpose"] = None
        return cls(**known)

    def follow(self, change: "QuestionFrame") -> "QuestionFrame":
        """This frame with what a follow-up states; a new person drops the old age; a person
        named drops the nationality, another person or document the title's expiry."""
        updated = replace(self, **{k: v for k, v in asdict(change).items() if v is not None})
        if change.person and change.nationality is None:
            updated = replace(updated, nationality=None)
        if (change.person and change.person != self.person or change.title and change.title != self.title) \
                and change.expired is None:
            updated = replace(updated, expired=None)
        if (change.person and change.person != self.person or change.title and change.title != self.title) \
                and change.expiring is None:
            updated = replace(updated, expiring=None)  # another person's title may not expire
        if change.expired:
            updated = replace(updated, expiring=None)   # it has expired after all
        if change.topic and change.topic != self.topic and change.purpose is None:
            updated = replace(updated, purpose=None)    # the purpose belonged to the other question
        if change.topic and change.topic != self.topic and change.occasion is None:
            updated = replace(updated, occasion=None)  # the occasion belonged to the other question
        if change.person and change.age is None and change.person != self.person:
            updated = replace(updated, age=None)
        if change.age is not None and change.person is None and self.person is None:
            updated = replace(updated, person="child" if change.age < ADULT_AGE else None)
        return updated

    @property
    def has_details(self) -> bool:
        """Whether it states anything besides the topic (a follow-up needs that)."""
        return any(v is not None for v in (self.matter, self.title, self.person, self.age, self.nationality))


def read_details(text: str, vocabulary: Vocabulary, short: bool = False) -> QuestionFrame:
    """Matter, title, person, age, nationality and an expired title named in a clause (no topic)."""
    below = _age_below(text.lower(), vocabulary)
    if below is not None:
        # "children under 18": minors, no one age (the bound is taken out before ages are read).
        text = re.sub(below[1], " ", text.lower())
    folded = fold(text)
    matter = next((m.name for m in vocabulary.matters if m.words.any(folded)), None)
    title = next((k for k, words in vocabulary.titles.items() if words.any(folded)), None)
    named = _without(folded, vocabulary.not_persons)  # "what kind of documents": no child
    person = next((k for k, words in vocabulary.persons.items() if words.any(named)), None)
    age = read_age(text)
    if age is None and (short and len(folded.split()) <= 7 or person is not None):
        numbers = _LONE_NUMBER.findall(folded)
        age = int(numbers[0]) if len(numbers) == 1 else None
    if age is not None and _counts_people(folded, age, vocabulary):
        age = None  # "was kostet das für 2 Kinder?": two children, not a child of two
    if age is not None and person is None and age < ADULT_AGE and matter is None:
        person = "child"
    if below is not None and below[0] <= ADULT_AGE and person is None:
        person = "child"
    gone, soon = vocabulary.title_state(folded)
    expired, expiring = (True if gone else None), (True if soon else None)
    purpose = next((k for k, words in vocabulary.purposes.items() if words.any(folded, typos=False)), None)
    return QuestionFrame(matter=matter, title=title, person=person, age=age, nationality=nationality_named(text),
                         expired=expired, expiring=expiring, purpose=purpose)


def _without(folded: str, phrases: Words) -> str:
    """The folded text without the phrases of the list (whole words)."""
    padded = f" {folded} "
    for phrase in phrases.phrases:
        while f" {phrase} " in padded:
            padded = padded.replace(f" {phrase} ", " ")
    return padded.strip()


def _age_below(lowered: str, vocabulary: Vocabulary) -> tuple[int, str] | None:
    """The bound of "unter 18", "under the age of 16", "undr 18" (content/questions.yml `age_below`,
    also with a slip) and its pattern."""
    if not vocabulary.age_below:
        return None
    bounds = Words.of(vocabulary.age_below)
    for match in re.finditer(r"((?:\S+\s+){1,2})(?:(?:the|an|age|of|dem|alter|von)\s+)*(\d{1,2})\b(?![.,:/]\d)", lowered):
        before = match.group(1).split()
        if bounds.any(fold(before[-1])) or len(before) > 1 and bounds.any(fold(" ".join(before[-2:])), typos=False):
            return int(match.group(2)), re.escape(match.group(0).split(None, len(before) - 1)[-1])
    return None


def _counts_people(folded: str, number: int, vocabulary: Vocabulary) -> bool:
    """Whether the number stands right before a word that counts people ("2 kinder", "3 kids")."""
    words = folded.split()
    return any(a == str(number) and b in vocabulary.counted for a, b in zip(words, words[1:]))
