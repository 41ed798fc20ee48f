"""Parsing and validating what clients type for each field of the enquiry.

Each ``parse_<field>`` takes the client's raw text and returns a ``Parsed``:
either a clean value or an error code. The error code names a response
(``utter_invalid_<field>`` or ``utter_invalid_<field>_<code>``) that explains
the problem with an example in the client's language. Pydantic models check the
value types; the rules for each field live here and nowhere else.
"""

from __future__ import annotations

import difflib
import gettext
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pycountry
import yaml
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, Field, ValidationError

from bot import case_numbers
from bot.catalogue import load_catalogue
from bot.config import CONTENT_DIR

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Parsed:
    value: Any = None
    error: str | None = None  # error code; None when value is valid

    @property
    def ok(self) -> bool:
        return self.error is None


def today() -> date:
    """Today in the office's time zone (the day of submission counts there)."""
    return datetime.now(BERLIN).date()


# --- the words of answers (content/answer_words.yml) ---------------------------------

@lru_cache
def answer_words() -> dict[str, Any]:
    """content/answer_words.yml, read once: the words staff may change."""
    return yaml.safe_load((CONTENT_DIR / "answer_words.yml").read_text(encoding="utf-8"))


def words(section: str) -> list[str]:
    """The words of one section; a bare yes/no/on/off (read by YAML as true/false) is refused."""
    found = answer_words()[section]
    if any(isinstance(w, bool) for w in found):
        raise ValueError(f"content/answer_words.yml, '{section}': quote yes, no, on and off (\"on\")")
    return [str(w) for w in found]


def any_of(phrases: list[str] | str) -> str:
    """A regex group matching any of the phrases (a section name or a list), longest first;
    a space in a phrase matches any run of spaces."""
    phrases = words(phrases) if isinstance(phrases, str) else phrases
    escaped = [re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True)]
    return "(?:" + "|".join(escaped) + ")"


# --- names -------------------------------------------------------------------

_NAME_PREFIXES = re.compile(
    rf"^\s*(?:{any_of('openers')}\b[\s,.!:]*)*{any_of('name_intros')}\s+",
    re.IGNORECASE,
)
# Words that are an answer, not a name or a place ("ja" to "Wie heißen Sie?").
NOT_A_VALUE = set(words("not_a_value"))
# Words of replies like "nein doch nicht", "weiss nicht", "I don't know": none of them makes a name or a place.
FILLER_WORDS = NOT_A_VALUE | set(words("filler_words"))


_OPENERS = re.compile(rf"^\s*(?P<opener>{any_of('openers')})(?![\w-])[\s,.!:;-]*(?=\S)", re.IGNORECASE)


def without_openers(text: str) -> tuple[str, bool]:
    """The answer without the words it starts with ("ok, Turkey" -> "Turkey", "hallo, Ana Souza"
    -> "Ana Souza"; content/answer_words.yml `openers`), and whether every word taken off is
    one that is never a value itself (`not_a_value`, `filler_words`: "hallo", not "So")."""
    fillers_only = True
    while match := _OPENERS.match(text):
        fillers_only = fillers_only and all(w in FILLER_WORDS for w in match.group("opener").lower().split())
        text = text[match.end():]
    return text, fillers_only


def is_filler(text: str) -> bool:
    """Only yes/no, hesitation or refusal words: an answer about the question, not a value."""
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())
    return bool(words) and all(w in FILLER_WORDS for w in words)


def _is_domain_word(text: str) -> bool:
    """A title or matter typed into the name question ("Aufenthaltserlaubnis") is not a name."""
    folded = _fold(text).strip(" .!")
    tables = _choice_keywords()
    words = {_fold(w) for table in ("title_kinds", "concerns") for ws in tables[table].values() for w in ws}
    return folded in words
# Lower-case particles of family names that stay lower-case ("van der", "al", "de").
_NAME_PARTICLES = set(words("name_particles"))


def _capitalise(name: str) -> str:
    """'max mustermann' -> 'Max Mustermann'; names typed with capitals stay as typed."""
    if name != name.lower():
        return name
    words = name.split(" ")
    out = [w if (i and w in _NAME_PARTICLES) else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
           for i, w in enumerate(words)]
    return " ".join(out)


class PersonName(BaseModel):
    value: str = Field(min_length=1, max_length=100)


def clean_name(text: str, max_words: int | None = None) -> Parsed:
    """A name in any script: letters, marks, spaces, hyphens, apostrophes and dots; no digits;
    at most `max_words` words (content/fields.yml validation)."""
    text = _NAME_PREFIXES.sub("", text.strip()).strip(" .,;:!\"")
    text = re.sub(r"\s+", " ", text)
    if not text:
        return Parsed(error="empty")
    if max_words and len(text.split()) > max_words:
        return Parsed(error="implausible")
    if text.lower() in NOT_A_VALUE or is_filler(text) or _is_domain_word(text):
        return Parsed(error="characters")
    if any(ch.isdigit() for ch in text):
        return Parsed(error="digits")
    for ch in text:
        cat = unicodedata.category(ch)
        if not (cat[0] in "LM" or ch in " -'’.‘"):
            return Parsed(error="characters")
    try:
        return Parsed(_capitalise(PersonName(value=text).value))
    except ValidationError:
        return Parsed(error="length")


def parse_full_name(text: str, max_words: int | None = None) -> Parsed:
    """Split "Max Mustermann" or "Mustermann, Max" into (given names, family name)."""
    text = _NAME_PREFIXES.sub("", text.strip())  # "Ja, ich heiße ...": the comma is not "Family, Given"
    if max_words and len(text.split()) > max_words:
        return Parsed(error="implausible")
    if "," in text:
        family, _, given = text.partition(",")
        fam, giv = clean_name(family), clean_name(given)
        if fam.ok and giv.ok:
            return Parsed((giv.value, fam.value))
        return fam if not fam.ok else giv
    cleaned = clean_name(text)
    if not cleaned.ok:
        return cleaned
    parts = cleaned.value.split(" ")
    if len(parts) == 1:
        return Parsed((parts[0], None))
    return Parsed((" ".join(parts[:-1]), parts[-1]))


# --- dates -------------------------------------------------------------------

_MONTHS = {str(name): int(month) for month, names in answer_words()["months"].items() for name in names}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_ORDINAL, _DAY_OF = any_of("ordinal_endings"), any_of("day_of")
_DATE_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], tuple[int | None, int, int]]]] = [
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b"), lambda m: (_year(m[3]), int(m[2]), int(m[1]))),
    # Typed on a phone: "12 05 1988", "12,5,1988", "12.5 1988" (German day-month order).
    (re.compile(r"\b(\d{1,2})(?:\s*[.,/-]\s*|\s+)(\d{1,2})(?:\s*[.,/-]\s*|\s+)(\d{4})\b"),
     lambda m: (int(m[3]), int(m[2]), int(m[1]))),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), lambda m: (int(m[3]), int(m[2]), int(m[1]))),
    (re.compile(rf"\b(\d{{1,2}}){_ORDINAL}?\.?\s*(?:{_DAY_OF}\s+)?({_MONTH_RE})\.?,?\s*(\d{{4}}|\d{{2}})?\b", re.IGNORECASE),
     lambda m: (_year(m[3]) if m[3] else None, _MONTHS[m[2].lower()], int(m[1]))),
    (re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}){_ORDINAL}?,?\s*(\d{{4}})?\b", re.IGNORECASE),
     lambda m: (int(m[3]) if m[3] else None, _MONTHS[m[1].lower()], int(m[2]))),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.?(?!\d)"), lambda m: (None, int(m[2]), int(m[1]))),
]


def _year(text: str) -> int:
    """Two-digit years: 00-29 are 20xx, the rest 19xx (birth and expiry dates alike)."""
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y < 30 else 1900 + y
    return y


# A date without a year read as the next one (`year_missing: next`) is still this year's when it
# passed at most this many days ago (an expiry just missed: "ist am 20.11. abgelaufen").
NEXT_GRACE_DAYS = 60


def find_date(text: str, default_year: int | None = None) -> Parsed:
    """The first date in a text, in German or English notation."""
    for pattern, build in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        year, month, day = build(match)
        if year is None:
            if default_year is None:
                return Parsed(error="no_year")
            year = default_year
        try:
            return Parsed(date(year, month, day))
        except ValueError:
            # "03/13/1990": an American month-first date; swap when that makes it valid.
            try:
                return Parsed(date(year, day, month))
            except ValueError:
                return Parsed(error="format")
    return Parsed(error="format")


def parse_date_within(text: str, default_year: int | None = None, *, years_back: int | None = None,
                      years_ahead: int | None = None, not_in_future: bool = False,
                      year_missing: str = "error") -> Parsed:
    """A date inside the limits of its field's `validation:` (content/fields.yml).

    year_missing "this_year": "4 March" is this year; "next": the next 4 March (this year's when it
    passed less than NEXT_GRACE_DAYS ago); otherwise the client is asked for the year.
    Errors: "future" (not_in_future), "range" (outside years_back/years_ahead of today's year).
    """
    if default_year is None and year_missing in ("this_year", "next"):
        default_year = today().year
    parsed = find_date(text, default_year)
    if not parsed.ok:
        return parsed
    day: date = parsed.value
    if year_missing == "next" and not find_date(text).ok and day < today() - timedelta(days=NEXT_GRACE_DAYS):
        # "läuft am 3.5. ab" in December: next May; "lief am 20.11. ab": this year's, just past.
        try:
            day = day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            day = day.replace(year=day.year + 1, day=28)
        parsed = Parsed(day)
    if not_in_future and day > today():
        return Parsed(error="future")
    if years_back is not None and day.year < today().year - years_back:
        return Parsed(error="range")
    if years_ahead is not None and day.year > today().year + years_ahead:
        return Parsed(error="range")
    return parsed


def _validation(field: str) -> dict[str, Any]:
    from bot.fields import load_registry  # the limits live in content/fields.yml

    spec = load_registry().get(field)
    return dict(spec.validation) if spec else {}


def parse_date_of_birth(text: str, default_year: int | None = None) -> Parsed:
    return parse_date_within(text, default_year, **_validation("date_of_birth"))


def parse_title_expiry(text: str, default_year: int | None = None) -> Parsed:
    return parse_date_within(text, default_year, **_validation("title_expiry"))


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- places and countries --------------------------------------------------------

_PLACE_WORDS = re.compile(rf"^\s*(?:{any_of('openers')}\b[\s,.!:]*)*(?:{any_of('place_intros')}\s+)?", re.IGNORECASE)
_PLACE_AFTER = re.compile(rf"\s+{any_of('place_outros')}\s*[.!]?$", re.IGNORECASE)
_PLACE_IN = re.compile(rf"^{any_of('born_in')}\s+", re.IGNORECASE)


def parse_place(text: str) -> Parsed:
    """The town of birth, also from 'Ich bin in Ankara geboren' or 'I was born in Mumbai'."""
    text = _PLACE_WORDS.sub("", text.strip(), count=1)
    text = _PLACE_AFTER.sub("", text)
    text = _PLACE_IN.sub("", text.strip())
    if not text or len(text) > 100 or text.lower().strip(" .!") in NOT_A_VALUE or "?" in text or is_filler(text) or _is_domain_word(text):
        return Parsed(error="format")
    if sum(ch.isdigit() for ch in text) > 0:
        return Parsed(error="format")
    return Parsed(text.strip(" .,"))


def _fold(text: str) -> str:
    """Lower-case without diacritics, umlauts written out: 'Türkei' -> 'tuerkei'."""
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


@lru_cache
def _nationalities() -> dict:
    """content/nationalities.yml, read once."""
    return yaml.safe_load((CONTENT_DIR / "nationalities.yml").read_text(encoding="utf-8"))


@lru_cache
def _country_names() -> dict[str, str]:
    """Folded country name (English and German) -> ISO 3166 alpha-3 code."""
    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"], fallback=True)
    index: dict[str, str] = {}
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        names |= {german.gettext(n) for n in list(names) if n}
        for name in filter(None, names):
            index[_fold(name)] = country.alpha_3
            # "Syrien, Arabische Republik" -> "syrien"
            index.setdefault(_fold(name.split(",")[0]), country.alpha_3)
            index.setdefault(_fold(name.split("(")[0]), country.alpha_3)
    return index


@lru_cache
def _country_index() -> dict[str, str]:
    """Folded country name or alias -> ISO 3166 alpha-3 code."""
    index = dict(_country_names())
    aliases = _nationalities()
    for code, words in (aliases.get("aliases") or {}).items():
        for word in words:
            index[_fold(str(word))] = code
    return index


@lru_cache
def nationality_aliases() -> dict[str, str]:
    """Lower-case alias from content/nationalities.yml -> alpha-3 code (stateless/unknown left out)."""
    aliases = _nationalities()
    return {str(w).lower(): code for code, words in (aliases.get("aliases") or {}).items()
            if code not in ("XXA", "XXX") for w in words}


@lru_cache
def _nationality_words() -> tuple[re.Pattern, ...]:
    """Patterns over folded text (umlauts written out) from content/answer_words.yml."""
    def folded(section: str) -> str:
        return any_of([_fold(w) for w in words(section)])
    return (re.compile(rf"^\s*{folded('nationality_intros')}\s+"),
            re.compile(rf"^{folded('nationality_have')}\s+(?:{folded('articles')}\b)?\s*"),
            re.compile(rf"^{folded('articles')}\s+"),
            re.compile(rf"\s+{folded('nationality_nouns')}$"))


def parse_nationality(text: str) -> Parsed:
    """ISO alpha-3 code from a country name, adjective or alias in German or English."""
    cleaned = _fold(text)
    intros, have, articles, nouns = _nationality_words()
    for _ in range(2):  # "ich bin aus Indien": two prefixes
        cleaned = intros.sub("", cleaned)
    cleaned = have.sub("", cleaned)
    cleaned = articles.sub("", cleaned).strip(" .,!")
    # "türkische Staatsangehörigkeit", "Indian citizen", "syrischer Pass": the adjective counts.
    cleaned = nouns.sub("", cleaned).strip(" .,!")
    if not cleaned:
        return Parsed(error="format")
    index = _country_index()
    if cleaned in index:
        return Parsed(index[cleaned])
    if len(cleaned) == 3 and cleaned.upper() in {c.alpha_3 for c in pycountry.countries}:
        return Parsed(cleaned.upper())
    for candidate in [cleaned, *_adjective_forms(cleaned)]:
        if candidate in index:
            return Parsed(index[candidate])
    close = difflib.get_close_matches(cleaned, index.keys(), n=1, cutoff=0.84)
    if close:
        return Parsed(index[close[0]])
    return Parsed(error="unknown")


def _adjective_forms(word: str) -> list[str]:
    """German person nouns as adjectives: 'Iranerin' -> 'iranisch', 'Russe' -> 'russisch'."""
    forms = []
    for ending in ("erin", "er", "in", "e"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            forms += [stem + "isch", stem + "er"]
    return forms


def country_name(code: str, language: str) -> str:
    """Display name of an alpha-3 code (XXA stateless, XXX unknown) in de or en."""
    aliases = _nationalities()
    special = (aliases.get("special") or {}).get(code)
    if special:
        return special[language]
    country = pycountry.countries.get(alpha_3=code)
    if not country:
        return code
    name = getattr(country, "common_name", None) or country.name
    if language == "de":
        german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"], fallback=True)
        return german.gettext(country.name).split(",")[0]
    return name


# Words before a country's name that make it a person's origin ("he's from India", "aus der Türkei").
_FROM = ("from", "aus", "from the", "aus der", "aus dem")
# The country the office is in: "in Deutschland" is where, never whose nationality.
_HERE = "DEU"


@lru_cache
def _people_words() -> dict[str, str]:
    """Folded adjectives and person nouns of content/nationalities.yml ("italiener", "spanish") -> code."""
    names = _country_names()
    return {_fold(str(w)): code for code, words in (_nationalities().get("aliases") or {}).items()
            if code not in ("XXA", "XXX", _HERE) for w in words
            if len(_fold(str(w))) > 2 and _fold(str(w)) not in names}


def nationality_named(text: str) -> str | None:
    """The nationality a sentence states ("Er ist Italiener", "she's from India"): an alpha-3 code or None.

    Adjectives and person nouns count anywhere, a country's name only after "aus"/"from"
    ("Urlaub in Italien" names no one's nationality); Germany never.
    """
    tokens = re.findall(r"[a-z]+", _fold(text))
    people, names = _people_words(), _country_names()
    for i in range(len(tokens)):
        for n in (3, 2, 1):
            phrase = " ".join(tokens[i:i + n])
            before = {" ".join(tokens[max(0, i - k):i]) for k in (1, 2)}
            code = people.get(phrase) or (names.get(phrase) if before & set(_FROM) else None)
            if code is None and n == 1 and len(phrase) > 5:
                code = next((people[f] for f in _adjective_forms(phrase) if f in people), None)
            if code and code != _HERE:
                return code
    return None


def eu_member(code: str) -> bool | None:
    """True for an EU member state, False for another state, None for the EEA states and
    Switzerland (free movement too; the office's published information names only the EU)."""
    listed = _nationalities()
    if code in (listed.get("eu_members") or ()):
        return True
    return None if code in (listed.get("eu_like") or ()) else False


# --- contact data -------------------------------------------------------------------

_EMAIL_IN_TEXT = re.compile(r"[^\s<>()\[\],;:\"]+@[^\s<>()\[\],;:\"]+\.[A-Za-z]{2,}")


def parse_email(text: str) -> Parsed:
    match = _EMAIL_IN_TEXT.search(text)
    candidate = match.group(0) if match else text.strip()
    if "@" not in candidate:
        return Parsed(error="format")
    try:
        result = validate_email(candidate.strip(".,;"), check_deliverability=False)
    except EmailNotValidError:
        return Parsed(error="format")
    return Parsed(result.normalized)


_PHONE_PREFIX = re.compile(rf"^\s*{any_of('phone_prefixes')}\s*:?\s*", re.IGNORECASE)


def parse_phone(text: str) -> Parsed:
    """International format; a German number starting with 0 gets +49."""
    raw = _PHONE_PREFIX.sub("", text.strip())
    # A number inside a sentence: "meine Nummer ist 0170 1234567".
    found = re.search(r"(\+|\b00|\b0)[\d\s()/.-]{6,}\d", raw)
    if found and re.search(r"[^\d+\s()/.-]", raw):
        raw = found.group(0)
    if re.search(r"[^\d+\s()/.-]", raw):
        return Parsed(error="format")
    raw = raw.strip()
    if raw.startswith(("+", "00")):
        raw = raw.replace("(0)", "")  # "+49 (0)176 ...": the trunk zero is not dialled from abroad
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        number = "+" + digits
    elif raw.startswith("00"):
        number = "+" + digits[2:]
    elif raw.startswith("0"):
        number = "+49" + digits[1:]
    else:
        return Parsed(error="format")
    if not 8 <= len(number) - 1 <= 15:
        return Parsed(error="format")
    return Parsed(number)


@lru_cache
def _office() -> dict:
    return yaml.safe_load((CONTENT_DIR / "office.yml").read_text(encoding="utf-8"))["office"]


def parse_address(text: str) -> Parsed:
    """Street, number, postal code and town; the postal code must lie in the office's area."""
    text = re.sub(r"\s+", " ", text.strip())
    match = re.search(r"\b(\d{5})\b", text)
    if not match:
        return Parsed(error="postal_code")
    code = int(match.group(1))
    if not any(lo <= code <= hi for lo, hi in _office()["postal_code_ranges"]):
        return Parsed(error="area")
    if not re.search(r"[^\W\d_]{3,}", text) or len(text) > 200:
        return Parsed(error="format")
    return Parsed({"address": text, "postal_code": match.group(1)})


def parse_case_number(text: str) -> Parsed:
    """A case number: ours (either shape, bot/case_numbers.py; a mistyped one of the random shape
    is refused by its check character, error "check"), or another office's file number."""
    ours = case_numbers.find(text)
    if ours is not None:
        return Parsed(ours.number) if ours.number else Parsed(error="check")
    # Digits alone need five or more: "2026" is a year, not a case number.
    match = re.search(r"\b([A-Za-z]{1,5}[-/ ]?\d{2,4}[-/ ]?\d{1,8}|\d{5,12})\b", text)
    if not match or sum(ch.isdigit() for ch in match.group(1)) < 5:
        return Parsed(error="format")
    if match.group(1).isdigit() and parse_address(text).ok:
        return Parsed(error="format")  # the postal code of an address, not a case number
    return Parsed(match.group(1).upper().replace(" ", "-"))


def parse_title_serial(text: str) -> Parsed:
    """Serial number of the card: a letter and 7 to 9 letters or digits (eAT: "Y" + 8)."""
    compact = re.sub(r"[\s-]", "", text.strip()).upper()
    match = re.search(r"\b([A-Z][0-9A-Z]{7,9})\b", compact)
    if not match or not any(ch.isdigit() for ch in match.group(1)):
        return Parsed(error="format")
    return Parsed(match.group(1))


# --- choices -----------------------------------------------------------------------

@lru_cache
def _choice_keywords() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load((CONTENT_DIR / "keywords.yml").read_text(encoding="utf-8"))


def _match_keywords(text: str, table: dict[str, list[str]]) -> list[str]:
    folded = f" {_fold(text)} "
    hits = []
    for key, words in table.items():
        if any(re.search(rf"(?<![a-z]){re.escape(_fold(w))}(?![a-z])", folded) for w in words):
            hits.append(key)
    return hits


def _match_label(text: str, labels: dict[str, dict]) -> str | None:
    folded = _fold(text).strip(" .!")
    for key, entry in labels.items():
        if folded in {_fold(entry.get("de", "")), _fold(entry.get("en", "")), key}:
            return key
    return None


def parse_title_kind(text: str) -> Parsed:
    catalogue = load_catalogue()
    exact = _match_label(text, catalogue.title_kinds)
    if exact:
        return Parsed(exact)
    hits = set(_match_keywords(text, _choice_keywords()["title_kinds"]))
    # Generic words ("visa", "permit") give way to a specific one in the same answer.
    if hits & {"national_visa", "schengen_visa", "visa_free"}:
        hits.discard("visa_unspecified")
    if len(hits) > 1:
        hits.discard("residence_permit")
        hits.discard("none")
    if hits == {"visa_unspecified"} or hits == {"national_visa", "schengen_visa"}:
        return Parsed(error="which_visa")
    if len(hits) == 1:
        return Parsed(hits.pop())
    return Parsed(error="format")


def parse_purpose(text: str, allowed: tuple[str, ...]) -> Parsed:
    catalogue = load_catalogue()
    exact = _match_label(text, {k: catalogue.purposes[k] for k in allowed})
    if exact:
        return Parsed(exact)
    hits = [h for h in _match_keywords(text, _choice_keywords()["purposes"]) if h in allowed]
    if len(hits) >= 1:
        return Parsed(hits[0])
    return Parsed(error="format")


def parse_concern(text: str) -> Parsed:
    catalogue = load_catalogue()
    exact = _match_label(text, {cid: c.name for cid, c in catalogue.concerns.items()})
    if exact:
        return Parsed(exact)
    hits = _match_keywords(text, _choice_keywords()["concerns"])
    if len(hits) == 1:
        return Parsed(hits[0])
    return Parsed(error="format")


def parse_yes_no(text: str) -> Parsed:
    hits = _match_keywords(text, _choice_keywords()["yes_no"])
    if hits == ["yes"]:
        return Parsed(True)
    if hits == ["no"]:
        return Parsed(False)
    return Parsed(error="format")


def parse_text(text: str, min_length: int = 1, max_length: int = 2000) -> Parsed:
    """Free text within its field's length limits (errors "too_short", "too_long")."""
    text = text.strip()
    if len(text) > max_length:
        return Parsed(error="too_long")
    if len(text) < min_length:
        return Parsed(error="too_short")
    return Parsed(text)


def parse_message(text: str) -> Parsed:
    return parse_text(text, **_validation("message"))
