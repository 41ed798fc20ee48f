"""Reading field values out of free text: the requested field, facts volunteered
early ("Ich bin Max Mustermann, geboren am 3.3.1990") and corrections
("my date of birth is actually 4 March").

Everything here is a pure function of text and the values known so far, so it
is tested without a running assistant (tests/actions/).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from actions import field_registry as registry
from actions import fields as f
from actions.dialogue.vocabulary import fold, load_vocabulary
from bot.catalogue import Concern
from bot.fields import load_registry

# Which field a client means when they name it ("E-Mail", "date of birth"): each field's
# `words` in content/fields.yml, and the words for the whole name.
FIELD_WORDS: dict[str, list[str]] = {
    **{spec.id: list(spec.words) for spec in load_registry().fields},
    "name": list(load_registry().whole_name_words),
}

_CHANGE_WORDS = re.compile(rf"\b{f.any_of('change_words')}\b", re.IGNORECASE)
_VALUE_AFTER = re.compile(
    rf"\b{f.any_of('new_value_after')}\s+(?:{f.any_of('new_value_fillers')}\s+)?(?P<value>.+)$", re.IGNORECASE)
# Answers that mean "I have none / I do not know" to an optional question.
_SKIP_ANSWER = re.compile(
    rf"^\s*(?:{f.any_of('hesitations')}\b[\s,.!]*)*"
    rf"(?:{f.any_of('skip_answers')}|{f.any_of('skip_have_none')}(?:\s+\w+)?)\s*[.!]*\s*$",
    re.IGNORECASE,
)


def means_skip(text: str) -> bool:
    """Whether a reply declines an optional question ("weiß nicht", "hab ich nicht", "no")."""
    return bool(_SKIP_ANSWER.match(text.strip()))


def looks_like_question(text: str) -> bool:
    """A general question rather than an answer: a question mark, or a question word first
    (content/questions.yml `question_words`) in three words or more."""
    words = fold(text).split()
    return "?" in text or bool(words) and words[0] in load_vocabulary().question_words and len(text.split()) >= 3


def _word_hit(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE) is not None


def _strip_field_words(text: str) -> str:
    """The text without any field's name and without punctuation."""
    for words in FIELD_WORDS.values():
        for word in sorted(words, key=len, reverse=True):
            text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", text, flags=re.IGNORECASE)
    return re.sub(r"[\W_]+", "", text)


def named_field(text: str) -> str | None:
    """The field a message names, longest keyword first ("family name" before "name")."""
    best: tuple[int, str] | None = None
    for field, words in FIELD_WORDS.items():
        for word in words:
            if _word_hit(text, word) and (best is None or len(word) > best[0]):
                best = (len(word), field)
    return best[1] if best else None


def parse_field(field: str, text: str, known: dict[str, Any], concern: Concern | None) -> f.Parsed:
    """Parse text as the value of one field (actions/field_registry.py). Returns values ready for slots."""
    return registry.parse(field, text, known, concern)


def to_slots(field: str, value: Any) -> dict[str, Any]:
    """Slot values for a parsed field value (dates as ISO strings, names split)."""
    return registry.to_slots(field, value)


def _as_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def find_correction(text: str, known: dict[str, Any], concern: Concern | None) -> tuple[str, f.Parsed | None] | None:
    """A correction of an earlier answer: (field, parsed new value or None to re-ask)."""
    if not _CHANGE_WORDS.search(text):
        return None
    field = named_field(text)
    if field is None:
        return None
    match = _VALUE_AFTER.search(text)
    candidate = match.group("value") if match else ""
    # "Etwas ändern: Staatsangehörigkeit" names the field; it gives no new value.
    if candidate and named_field(candidate) is not None and _strip_field_words(candidate) == "":
        candidate = ""
    parsed = parse_field(field, candidate, known, concern) if candidate else None
    if parsed is not None and not parsed.ok:
        parsed = None
    return ("given_names" if field == "name" else field), parsed


_INTRO_NAME = re.compile(
    rf"\b{f.any_of('name_intros_in_passing')}\s+"
    r"(?P<name>[^\W\d_][^\W\d_'’.-]*(?:[ '’-][^\W\d_][^\W\d_'’.-]*){1,4})",
    re.IGNORECASE,
)
_BORN = re.compile(rf"\b{f.any_of('born_on')}\s+(?P<rest>.{{4,30}})", re.IGNORECASE)
# "geb. 12.5.1988 in Izmir", "born in Lagos", "in Ankara geboren".
_BORN_IN = re.compile(
    rf"\b(?:{f.any_of('born')}(?:\s+{f.any_of('on_day')})?"
    r"(?:\s+[\d./-]+(?:\s+\d{4})?|\s+\d{1,2}\.?\s+[^\W\d_]+\.?,?\s+\d{4}|\s+[^\W\d_]+\.?\s+\d{1,2},?\s+\d{4})?,?"
    rf"\s+{f.any_of('born_in')}|{f.any_of('place_labels')}:?)\s+(?P<place>[^\W\d_][\w'’-]*(?:[ -][A-ZÄÖÜ][\w'’-]*)?)"
    rf"|\b{f.any_of('born_in')}\s+(?P<place2>[A-ZÄÖÜ][\w'’-]*)\s+{f.any_of('place_outros')}\b",
    re.IGNORECASE,
)
# "aus der Türkei", "from Syria", "Staatsangehörigkeit: syrisch", or an adjective alone ("türkisch").
_NATIONALITY_AFTER = re.compile(
    rf"\b{f.any_of('nationality_in_passing')}\s+(?:{f.any_of('articles')}\s+)?(?P<country>[^\W\d_]+(?: [^\W\d_]+)?)",
    re.IGNORECASE,
)
_NATIONALITY_ADJECTIVE = re.compile(rf"{f.any_of('adjective_endings')}$")
_EXPIRES = re.compile(
    rf"\b{f.any_of('expires')}\s+(?:{f.any_of('expires_on')}\s+)?(?P<rest>.{{4,30}})",
    re.IGNORECASE,
)
TITLE_MENTION_CONCERNS = {"residence_permit_extension", "visa_extension", "settlement_permit"}
TITLE_WANTED = {"settlement_permit": "settlement_permit"}
_NOT_NAMES = set(f.words("not_names"))
_NAME_STOPS = set(f.words("name_stops"))


def volunteered_facts(text: str, known: dict[str, Any], concern: Concern | None) -> dict[str, Any]:
    """Facts a client states without being asked, when the wording is unambiguous."""
    found: dict[str, Any] = {}
    name = _INTRO_NAME.search(text)
    if name and not known.get("given_names"):
        words = name.group("name").split()
        # Stop at connectors: "Max Mustermann und ich" -> "Max Mustermann".
        cut = []
        for w in words:
            if w.lower().strip(".,") in _NAME_STOPS:
                break
            cut.append(w)
        if len(cut) >= 2 and cut[0].lower() not in _NOT_NAMES and all(w[0].isupper() for w in cut):
            parsed = f.parse_full_name(" ".join(cut))
            if parsed.ok:
                found.update(to_slots("given_names", parsed.value))
    born = _BORN.search(text)
    if born and not known.get("date_of_birth"):
        parsed = f.parse_date_of_birth(born.group("rest"))
        if parsed.ok:
            found["date_of_birth"] = parsed.value.isoformat()
    place = _BORN_IN.search(text)
    if place and not known.get("place_of_birth"):
        parsed = f.parse_place(place.group("place") or place.group("place2"))
        if parsed.ok and f._fold(parsed.value) not in f._country_index():  # a town, not "born in Syria"
            found["place_of_birth"] = parsed.value
    if not known.get("nationality"):
        nationality = _volunteered_nationality(text)
        if nationality:
            found["nationality"] = nationality
    expires = _EXPIRES.search(text)
    if expires and not known.get("title_expiry"):
        parsed = f.parse_title_expiry(expires.group("rest"))
        if parsed.ok:
            found["title_expiry"] = parsed.value.isoformat()
    if "@" in text and not known.get("email"):
        parsed = f.parse_email(text)
        if parsed.ok:
            found["email"] = parsed.value
    if concern is not None and concern.purposes and not known.get("purpose"):
        parsed = f.parse_purpose(text, concern.purposes)
        if parsed.ok:
            found["purpose"] = parsed.value
    # Only where the title named is the client's own: "extend my Blue Card", not "apply for a permit"
    # ("Niederlassungserlaubnis beantragen" names the title wanted, not the one held).
    if concern is not None and concern.id in TITLE_MENTION_CONCERNS and not known.get("title_kind"):
        parsed = f.parse_title_kind(text)
        if parsed.ok and parsed.value not in ("none", TITLE_WANTED.get(concern.id)):
            found["title_kind"] = parsed.value
    return found


def _volunteered_nationality(text: str) -> str | None:
    """A nationality stated in passing: "aus der Türkei", "from Syria", or an adjective ("türkisch")."""
    match = _NATIONALITY_AFTER.search(text)
    if match:
        words = match.group("country").split()
        for candidate in (" ".join(words), words[0]):
            parsed = f.parse_nationality(candidate)
            if parsed.ok and parsed.value not in ("XXX",):
                return parsed.value
    for word in re.findall(r"[^\W\d_]{4,}", text):
        if _NATIONALITY_ADJECTIVE.search(word.lower()) and word.lower() in f.nationality_aliases():
            return f.nationality_aliases()[word.lower()]
    return None
