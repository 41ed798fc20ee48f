"""Reading field values out of free text: the requested field, facts volunteered
early ("Ich bin Max Mustermann, geboren am 3.3.1990") and corrections
("my date of birth is actually 4 March").

Everything here is a pure function of text and the values known so far, so it
is tested without a running assistant (tests/actions/).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from actions import field_registry as registry
from actions import fields as f
from actions.dialogue.vocabulary import Words, fold, is_made_of, load_vocabulary
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


def means_skip(text: str, field: str | None = None) -> bool:
    """Whether a reply declines an optional question ("weiß nicht", "hab ich nicht", "no"), also
    in more words: a none word with only the words beside it that say what is not there ("nope,
    none", "nein, noch keins", "no, I never had a case number"; content/answer_words.yml
    `none_words`, `none_beside`, and the asked field's own words)."""
    if _SKIP_ANSWER.match(text.strip()):
        return True
    return is_made_of(_NONE_WORDS, _none_beside(field), fold(text), _NONE_FILLERS)


_NONE_WORDS = Words.of(f.words("none_words"))
_NONE_FILLERS = frozenset(fold(w) for w in f.words("openers") + f.words("hesitations"))


@lru_cache(maxsize=64)
def _none_beside(field: str | None) -> Words:
    return Words.of(f.words("none_beside") + FIELD_WORDS.get(field or "", []))


_DECLINES = Words.of(f.words("declines"))


def declines(text: str) -> bool:
    """Whether an answer says the client cannot or will not give the value ("no idea, I lost the
    card", "I'd rather not give my number"; content/answer_words.yml `declines`)."""
    return _DECLINES.any(fold(text))


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


# Kinds of fields whose earlier answer a client may correct by stating it again while another
# question is asked ("ich bin am 5.6.1991 geboren, nicht 1995").
RESTATED_KINDS = frozenset(f.words("restated_kinds"))
_KIND_WORDS = {kind: Words.of(words) for kind, words in f.answer_words()["kind_words"].items()}


def kinds_named(text: str) -> set[str]:
    """The kinds of field the text names by kind ("das Datum", "the date"; content/answer_words.yml `kind_words`)."""
    folded = fold(text)
    return {kind for kind, words in _KIND_WORDS.items() if words.any(folded, typos=False)}


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
    candidate = _without_trailing_fillers(match.group("value")) if match else ""
    if fold(candidate) in _CHANGE_FOLDED:
        candidate = ""  # "mein Geburtsort ist falsch": says it is wrong, gives no new value
    # "Etwas ändern: Staatsangehörigkeit" names the field; it gives no new value.
    if candidate and named_field(candidate) is not None and _strip_field_words(candidate) == "":
        candidate = ""
    parsed = parse_field(field, candidate, known, concern) if candidate else None
    if parsed is not None and not parsed.ok:
        parsed = None
    if parsed is None and field in _VALUE_AFTER_CHANGE_FIELDS:
        parsed = _value_after_change(field, text, known, concern)
    return ("given_names" if field == "name" else field), parsed


_VALUE_AFTER_CHANGE_FIELDS = frozenset(spec.id for spec in load_registry().fields
                                       if spec.kind in set(f.words("value_after_change_kinds")))


def _value_after_change(field: str, text: str, known: dict[str, Any], concern: Concern | None) -> f.Parsed | None:
    """The new value said after the last correcting word ("..., stimmt nicht, ich bin Afghanin"):
    the longest ending of the rest that parses as the field, none if nothing does."""
    rest = text[list(_CHANGE_WORDS.finditer(text))[-1].end():]
    words = [w for w in re.split(r"[\s,;:!.]+", rest) if w]
    for start in range(len(words)):
        candidate = _without_trailing_fillers(" ".join(words[start:]))
        if candidate and named_field(candidate) is None and fold(candidate) not in _CHANGE_FOLDED:
            parsed = parse_field(field, candidate, known, concern)
            if parsed.ok:
                return parsed
    return None


_CHANGE_FOLDED = frozenset(fold(w) for w in f.words("change_words"))
_TRAILING_FILLERS = frozenset(fold(w) for w in f.words("new_value_fillers"))


def _without_trailing_fillers(value: str) -> str:
    """A new value without the fillers it ends with ("Bursa actually" -> "Bursa")."""
    words = value.split()
    while len(words) > 1 and fold(words[-1]) in _TRAILING_FILLERS:
        words.pop()
    return " ".join(words).rstrip(" ,")


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
    if not known.get("given_names"):
        found.update(_volunteered_name(text))
    if not known.get("date_of_birth"):
        for rest in _after_or_before(_BORN, _DATE_THEN_BORN, text):
            parsed = f.parse_date_of_birth(rest)
            if parsed.ok:
                found["date_of_birth"] = parsed.value.isoformat()
                break
    place = _BORN_IN.search(text)
    if place and not known.get("place_of_birth"):
        # "born in Osaka on 10 October": a second word only when it is written capitalised.
        words = (place.group("place") or place.group("place2")).split()
        parsed = f.parse_place(" ".join(words[:1] + [w for w in words[1:2] if w[:1].isupper()]))
        if parsed.ok and f._fold(parsed.value) not in f._country_index():  # a town, not "born in Syria"
            found["place_of_birth"] = parsed.value
    if not known.get("nationality"):
        nationality = _volunteered_nationality(text)
        if nationality:
            found["nationality"] = nationality
    if not known.get("title_expiry"):
        candidates = _after_or_before(_EXPIRES, _DATE_THEN_EXPIRES, text, _about_another_document) + [
            m.group("rest") for m in _UNTIL.finditer(text) if _about_the_title(text, m.start())]
        for rest in candidates:
            parsed = f.parse_title_expiry(rest)
            if parsed.ok:
                found["title_expiry"] = parsed.value.isoformat()
                break
    if "@" in text and not known.get("email"):
        parsed = f.parse_email(text)
        if parsed.ok:
            found["email"] = parsed.value
    if not known.get("phone") and (phone := _volunteered_phone(text)):
        found["phone"] = phone
    if not known.get("address"):
        found.update(_volunteered_address(text))
    if concern is not None and concern.purposes and not known.get("purpose"):
        parsed = f.parse_purpose(text, concern.purposes)
        if parsed.ok:
            found["purpose"] = parsed.value
    # Only where the title named is the client's own: "extend my Blue Card", not "apply for a permit"
    # ("Niederlassungserlaubnis beantragen" names the title wanted, not the one held).
    if concern is not None and concern.id in TITLE_MENTION_CONCERNS and not known.get("title_kind"):
        held = _title_held(text, ("none", TITLE_WANTED.get(concern.id)))
        if held:
            found["title_kind"] = held
    return found


def _after_or_before(after: re.Pattern, before: re.Pattern, text: str, skip=lambda text, at: False) -> list[str]:
    """The text after each keyword ("geboren am ...") and each date before one ("... geboren"),
    leaving out those `skip` refuses (told the text and where the match starts)."""
    return ([m.group("rest") for m in after.finditer(text) if not skip(text, m.start())]
            + [m.group("date") for m in before.finditer(text) if not skip(text, m.start())])


_OTHER_DOCUMENT = re.compile(rf"(?<![\w-]){f.any_of('not_title_documents')}(?![\w-])", re.IGNORECASE)


# "Aufenthaltserlaubnis bis 30.09.2027": a date after "bis" counts where the statement names a title.
_UNTIL = re.compile(rf"(?<![\w-]){f.any_of('title_until')}\s+(?P<rest>.{{4,30}})", re.IGNORECASE)


def _about_the_title(text: str, at: int) -> bool:
    clause = _CLAUSE_END.split(text[:at])[-1]
    return f.parse_title_kind(clause).ok and not _OTHER_DOCUMENT.search(clause)


def _about_another_document(text: str, at: int) -> bool:
    """Whether the clause before `at` is about a passport or another document, not the title
    ("my passport expires 12.12.", "der Reisepass läuft ... ab")."""
    clause = _CLAUSE_END.split(text[:at])[-1]
    return bool(_OTHER_DOCUMENT.search(clause)) and not f.parse_title_kind(clause).ok


# -- the title held --------------------------------------------------------------------------

_CLAUSES = re.compile(rf"[.,;:!?()]+\s*|\s+{f.any_of('clause_joins')}\s+", re.IGNORECASE)
# Where a statement ends: a full stop, or a join before "mein"/"my" ("..., und meine Aufenthaltserlaubnis").
_CLAUSE_END = re.compile(rf"[.;!?]|,\s+{f.any_of('clause_joins')}\b|\b{f.any_of('clause_joins')}\s+{f.any_of('possessives')}\b",
                         re.IGNORECASE)


def _title_held(text: str, not_held: tuple[str | None, ...]) -> str | None:
    """The title a client names as theirs: the whole text's, else the one title its clauses name
    apart from the one wanted ("Niederlassungserlaubnis beantragen: ... mein Titel ist eine Blaue Karte")."""
    parsed = f.parse_title_kind(text)
    if parsed.ok and parsed.value not in not_held:
        return parsed.value
    named = {p.value for clause in _CLAUSES.split(text) if (p := f.parse_title_kind(clause)).ok}
    named -= set(not_held)
    return named.pop() if len(named) == 1 else None


# -- names -----------------------------------------------------------------------------------

_WORD = r"[^\W\d_][^\W\d_'’.-]*"
# "mein Name ist Mustermann, Max": family name, comma, given name(s).
_NAME_REVERSED = re.compile(
    rf"\b{f.any_of('name_labels')}\s*:?\s+(?P<family>{_WORD}(?:[ -]{_WORD})?),\s*(?P<given>{_WORD}(?: {_WORD})?)",
    re.IGNORECASE)


@lru_cache
def _labelled(field: str) -> re.Pattern:
    """A field's word as a label before its value: "Vorname Ayşe", "Surname: Okoye"."""
    words = sorted(FIELD_WORDS[field], key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(w) for w in words)})\s*:?\s+(?P<value>{_WORD}(?:[ -]{_WORD})?)",
                      re.IGNORECASE)


def _plausible_name(words: list[str]) -> bool:
    """Words that can be a person's name: capitalised, no stop or filler word, no document,
    matter, nationality or country ("Ich bin Blaue Karte Inhaberin" names no one)."""
    words = [w.strip(".,;:") for w in words]
    if not words or any(not w[:1].isupper() for w in words):
        return False
    if any(w.lower() in _NAME_STOPS | _NOT_NAMES for w in words):
        return False
    if any(f._fold(w) in f._country_index() or _exact_nationality(w) for w in words):
        return False
    joined = " ".join(words)
    from actions.dialogue.understand import _names_a_document_or_matter  # the model's document words
    return not f.parse_title_kind(joined).ok and not _names_a_document_or_matter(fold(joined), load_vocabulary())


def _volunteered_name(text: str) -> dict[str, Any]:
    """A name given in passing: labelled parts ("Vorname ..., Nachname ..."), family name first
    with a comma after a name label ("Name: Garcia, Sofia"), or after "ich heiße"/"my name is"
    (each such phrase tried in turn)."""
    family_fields = registry.FOLLOWERS.get(registry.NAME_FIELD, ())
    given = next((m.group("value") for m in _labelled(registry.NAME_FIELD).finditer(text)
                  if _plausible_name(m.group("value").split())), None)
    family = next((m.group("value") for fid in family_fields for m in _labelled(fid).finditer(text)
                   if _plausible_name(m.group("value").split())), None)
    if given and family:
        return {registry.NAME_FIELD: given.strip(".,"), family_fields[0]: family.strip(".,")}
    for match in _NAME_REVERSED.finditer(text):
        family_words = match.group("family").split()
        given_words = []
        for w in match.group("given").split():
            if w.lower().strip(".,") in _NAME_STOPS:
                break
            given_words.append(w)
        if _plausible_name(family_words) and _plausible_name(given_words):
            parsed = f.parse_full_name(f"{' '.join(family_words)}, {' '.join(given_words)}".strip(". "))
            if parsed.ok:
                return to_slots("given_names", parsed.value)
    for match in _intro_names(text):
        # Stop at connectors: "Max Mustermann und ich" -> "Max Mustermann".
        cut = []
        for w in match.split():
            if w.lower().strip(".,") in _NAME_STOPS:
                break
            cut.append(w)
        if len(cut) >= 2 and cut[0].lower() not in _NOT_NAMES and _plausible_name(cut):
            parsed = f.parse_full_name(" ".join(cut))
            if parsed.ok:
                return to_slots("given_names", parsed.value)
    return {}


# "I'm a Pakistani national, Imran Khan": a nationality, then the name after the comma.
_NATIONALITY_THEN_NAME = re.compile(
    rf"^(?:(?:{f.any_of('articles')})\s+)?(?P<nationality>[^\W\d_]+(?:\s+[^\W\d_]+)?),\s+(?P<name>.+)$", re.IGNORECASE)


def _intro_names(text: str) -> list[str]:
    """The words after each "ich heiße"/"I'm" of the text (overlapping: "ich bin Afghanin und heiße
    Mariam Ahmadi" tries both), past a nationality said first ("I'm Turkish, Mehmet Öztürk")."""
    found = []
    for intro in _INTRO_AT.finditer(text):
        after = text[intro.end():]
        rest = _NATIONALITY_THEN_NAME.match(after)
        if rest and _exact_nationality(_strip_nationality_noun(rest.group("nationality"))):
            after = rest.group("name")
        if name := _NAME_WORDS.match(after):
            found.append(name.group(0))
    return found


_INTRO_AT = re.compile(rf"\b{f.any_of('name_intros_in_passing')}\s+", re.IGNORECASE)
_NAME_WORDS = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:[ '’-][^\W\d_][^\W\d_'’.-]*){1,4}")


def _strip_nationality_noun(words: str) -> str:
    """ "Pakistani national" -> "Pakistani"."""
    return re.sub(rf"\s+{f.any_of('nationality_after')}$", "", words, flags=re.IGNORECASE)


# -- dates, phone, address -------------------------------------------------------------------

_DATE = (r"(?P<date>\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})?|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
         r"|\d{1,2}\.?\s+[^\W\d_]+\.?\s+\d{4})")
# "bin am 12.08.85 in Teheran geboren", "die am 15.01.2027 abläuft".
_DATE_THEN_BORN = re.compile(
    rf"{_DATE}\s+(?:{f.any_of('born_in')}\s+[^\W\d_][\w'’-]*\s+)?{f.any_of('born_after')}\b", re.IGNORECASE)
_DATE_THEN_EXPIRES = re.compile(rf"{_DATE}\s+{f.any_of('expires_after')}\b", re.IGNORECASE)
_PHONE_AFTER = re.compile(
    rf"(?<![\w-]){f.any_of('phone_prefixes')}\.?\s*:?\s*(?:{f.any_of('value_is')}\s*)?(?P<number>(?:\+|00|0)\d[\d\s/()-]{{5,}}\d)", re.IGNORECASE)
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?P<number>(?:\+|00)\d{2}[\d\s/()-]{6,}\d)")


def _volunteered_phone(text: str) -> str | None:
    """A phone number after a word for it ("Tel. 0176 ...", "mobile +49 ...") or in international form."""
    for pattern in (_PHONE_AFTER, _PHONE_INTERNATIONAL):
        for match in pattern.finditer(text):
            parsed = f.parse_phone(match.group("number"))
            if parsed.ok:
                return parsed.value
    return None


# "Musterstraße 12, 10115 Berlin", "Frankfurter Allee 100 10247": capitalised street words, a
# house number, a postal code (the address question needs one), the town if given.
_ADDRESS = re.compile(
    r"(?P<street>[A-ZÄÖÜ][^\W\d_]*\.?(?:[ -][A-ZÄÖÜ][^\W\d_]*\.?){0,3})\s+\d{1,4}\s?[a-zA-Z]?(?:\s*[-/]\s*\d{1,4})?"
    r"\s*,?\s+\d{5}\b(?:\s+[A-ZÄÖÜ][^\W\d_]+)?")


def _volunteered_address(text: str) -> dict[str, Any]:
    """An address given inline; without the words before the street ("Anschrift", "I live at")."""
    lead = {w.lower() for w in FIELD_WORDS.get("address", [])} | {w.lower() for w in f.words("address_intros")}
    for match in _ADDRESS.finditer(text):
        candidate = match.group(0)
        street = match.group("street").split()
        while len(street) > 1 and street[0].lower().strip(":") in lead:
            candidate = candidate.split(None, 1)[1]
            street.pop(0)
        if street[0].lower().strip(":") in lead:
            continue
        parsed = f.parse_address(candidate)
        if parsed.ok:
            return to_slots("address", parsed.value)
    return {}


# -- nationality -----------------------------------------------------------------------------

_NATIONALITY_BEFORE_NOUN = re.compile(
    rf"(?:(?P<two>[^\W\d_]+ [^\W\d_]+)|(?<![\w-])(?P<one>[^\W\d_]{{2,}}))\s+{f.any_of('nationality_after')}\b",
    re.IGNORECASE)
_PERSON_ENDINGS = tuple(f.words("nationality_person_endings"))
_COUNTRY_ENDINGS = tuple(f.words("country_endings"))
_INFLECTIONS = tuple(sorted(f.words("adjective_inflections"), key=len, reverse=True))


def _volunteered_nationality(text: str) -> str | None:
    """A nationality stated in passing: "aus der Türkei", "from Syria", a word before a noun for it
    ("türkischer Staatsbürger", "US citizen"), or a person's or adjective's form alone ("Türkin",
    "Inder", "ukrainische", "Turkish"). A country's name alone is no nationality ("born in Syria")."""
    match = _NATIONALITY_AFTER.search(text)
    if match:
        words = match.group("country").split()
        for candidate in (" ".join(words), words[0]):
            code = _exact_nationality(candidate)
            if code and code != "XXX":
                return code
    for match in _NATIONALITY_BEFORE_NOUN.finditer(text):
        for candidate in (match.group("two"), match.group("one")):
            if candidate and (code := _exact_nationality(candidate)):
                return code
    words = re.findall(r"[^\W\d_]+", text)
    spoken = {i + 1 for i, w in enumerate(words) if w.lower() in _LANGUAGE_BEFORE}  # "I speak Spanish"
    for i, pair in enumerate(zip(words, words[1:])):  # "South Korean"
        if i not in spoken and (code := _exact_nationality(" ".join(pair), person=True)):
            return code
    for i, word in enumerate(words):
        if len(word) >= 3 and i not in spoken and (code := _exact_nationality(word, person=True)):
            return code
    return None


_LANGUAGE_BEFORE = set(f.words("language_before"))


def _exact_nationality(word: str, person: bool = False) -> str | None:
    """The country of a word of content/nationalities.yml (or a country's name), of its inflected
    adjective ("ukrainische") or of a person's form ("Afghanin"): exact words only, no typo matching.
    `person`: only a person's or an adjective's form counts, never a country's name."""
    folded = f._fold(word)
    index = f._country_index()
    adjective = _NATIONALITY_ADJECTIVE.search(folded) is not None
    if person and folded.endswith(_COUNTRY_ENDINGS):
        return None  # "Türkei" alone (a place of birth, "Ankara, Türkei") is no nationality
    if folded in index and (not person or adjective or folded in _person_aliases()):
        return _not_german(index[folded])
    for ending in _INFLECTIONS:
        stem = folded[: -len(ending)]
        if folded.endswith(ending) and len(stem) > 3 and stem in index and _NATIONALITY_ADJECTIVE.search(stem):
            return _not_german(index[stem])
    if folded.endswith(_PERSON_ENDINGS) and len(folded) > 4:
        for form in f._adjective_forms(folded):
            if form in index and _NATIONALITY_ADJECTIVE.search(form):
                return _not_german(index[form])
    return None


def _not_german(code: str) -> str | None:
    """"Deutsch" is far more often the language a client writes in than a nationality here."""
    return None if code == "DEU" else code


@lru_cache
def _person_aliases() -> frozenset[str]:
    """Aliases of content/nationalities.yml that are a person's or an adjective's form, not a
    country's name ("türkin", "afghan", "inder"; not "türkei", "england")."""
    names = set(f._country_names())
    endings = (*_PERSON_ENDINGS, "an", "ar", "i")
    return frozenset(a for a in map(f._fold, f.nationality_aliases()) if a not in names and a.endswith(endings))


# -- an earlier answer corrected by its new value ---------------------------------------------

VALUE_KINDS = frozenset(f.words("corrected_by_value_kinds"))
BESIDE_OLD_KINDS = frozenset(f.words("corrected_beside_old_kinds"))
_MEANT = Words.of(f.words("meant_words") + f.words("change_words"))
_REPLACED = frozenset(fold(w) for w in f.words("replaced_before"))
_NOT_CORRECTED_TO = frozenset(f.words("not_corrected_to"))


def _alternatives(phrases: list[str]) -> str:
    escaped = [re.escape(p).replace(r"\ ", r"\s+").replace("'", "['’]?") for p in sorted(set(phrases), key=len, reverse=True)]
    return "|".join(escaped)


_CORRECTION_PARTS = re.compile(
    rf"(?<![\w-])({_alternatives(f.words('replaced_before') + f.words('correction_joins'))})(?![\w-])", re.IGNORECASE)
_CHUNKS = re.compile(r"[,;:!?()]+|\.(?:\s|$)|\s[-–—]\s|[–—]")


def says_correction(text: str) -> bool:
    """Whether the message has a word that makes a value in it a correction ("ich meinte", "oops",
    "nicht ... sondern"; content/answer_words.yml `meant_words`, `change_words`)."""
    return _MEANT.any(fold(text), typos=False)


def correction_parts(text: str) -> list[tuple[str, bool]]:
    """The message's parts between punctuation and correction words, each with whether it is the
    value replaced ("Moment, nicht Ausbildung sondern Studium": ("Moment", no), ("Ausbildung",
    replaced), ("Studium", no))."""
    parts: list[tuple[str, bool]] = []
    for chunk in _CHUNKS.split(text):
        replaced = False
        for number, piece in enumerate(_CORRECTION_PARTS.split(chunk)):
            if number % 2:  # a correction word: it says what the next part is
                replaced = fold(piece) in _REPLACED
            elif piece.strip(" .'\"„“”"):
                parts.append((piece.strip(" .'\"„“”"), replaced))
                replaced = False
    return parts


def _value_in_part(field: str, part: str, known: dict[str, Any], concern: Concern | None) -> Any:
    """The slot value the part (or its shortest-leading ending: "übrigens syrisch") gives the field."""
    if f.is_filler(part) or means_skip(part) or declines(part) or says_correction(part):
        return None  # "no", "none so far", "never had one", "oops": a refusal or a correction word names no value
    words = part.split()
    for start in range(len(words)):
        parsed = parse_field(field, " ".join(words[start:]), known, concern)
        if parsed.ok:
            value = to_slots(field, parsed.value).get(field, parsed.value) if field != "concern" else parsed.value
            return None if value in _NOT_CORRECTED_TO else value
    return None


def corrected_by_value(text: str, known: dict[str, Any], fields: list[str],
                       concern: Concern | None) -> tuple[str, Any] | None:
    """An earlier answer corrected by naming its new value with a correcting word while another
    question is asked ("ah mist, ich meinte Studium nicht Ausbildung", "sorry I meant study"):
    (field, new slot value), or None. Looked for in the answered `fields` of the kinds of
    `corrected_by_value_kinds`, and the matter ("concern") and the kinds of `corrected_beside_old_kinds`
    when the message also names the value it replaces. A value the field has already is no correction."""
    if not says_correction(text):
        return None
    parts = correction_parts(text)
    found: dict[str, set] = {}
    current_named: set[str] = set()
    beside_old = {"concern"} | {f_ for f_ in fields if f_ in registry.BY_ID and registry.BY_ID[f_].spec.kind in BESIDE_OLD_KINDS}
    for field in fields:
        if field not in beside_old and (field not in registry.BY_ID or registry.BY_ID[field].spec.kind not in VALUE_KINDS):
            continue
        for part, replaced in parts:
            value = _value_in_part(field, part, known, concern)
            if value is None:
                continue
            if value == known.get(field):
                current_named.add(field)
            elif not replaced:
                found.setdefault(field, set()).add(value)
    single = {field: values.pop() for field, values in found.items() if len(values) == 1}
    for field in beside_old & set(single) - current_named:
        del single[field]  # the matter, a town: changed only "X, not Y", both named
    if len(single) > 1:
        single = {field: value for field, value in single.items() if field in current_named}
    return next(iter(single.items())) if len(single) == 1 else None
