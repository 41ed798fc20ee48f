"""The office's published facts and answers (content/knowledge.yml), and fee quotes.

Loaded and checked once; actions ask ``answer()`` and ``compute_fee()``, never the YAML.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import CONTENT_DIR

LANGUAGES = ("de", "en")
KNOWLEDGE_PATH = CONTENT_DIR / "knowledge.yml"
FEE_CASES = ("issue", "extension", "visa_extension")
TEMPLATE_NAMES = (
    "adult", "adult_range", "adult_age", "adult_age_range", "adult_age_all",
    "minor", "minor_age", "minor_range", "minor_age_range", "minor_age_all", "minor_all",
)
# Facts the fee computation needs; the loader refuses a file without them.
FEE_FACTS = ("fee_issue_eur", "fee_extension_eur", "fee_visa_extension_min_eur",
             "fee_visa_extension_max_eur", "minor_fee_factor", "adult_age")
_MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
              "September", "Oktober", "November", "Dezember")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


class KnowledgeError(ValueError):
    """The knowledge file is malformed; the message names the entry and how to fix it."""


@dataclass(frozen=True)
class Knowledge:
    facts: dict[str, Any]
    answers: dict[str, dict[str, str]]
    sources: dict[str, list[str]]
    fee_cases: dict[str, dict[str, str]]
    fee_templates: dict[str, dict[str, str]]
    # Answer intent -> the concern (enquiry_* intent) offered as a button under the answer.
    offers: dict[str, str] = field(default_factory=dict)
    # Sentences the conversation model composes answers from (key -> de/en text), and their sources.
    sentences: dict[str, dict[str, str]] = field(default_factory=dict)
    sentence_sources: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FeeQuote:
    """A fee worked out for one client's message, with the sentence to send."""

    case: str | None          # issue / extension / visa_extension; None: all of them
    minor: bool
    age: int | None
    low_eur: Decimal | None   # what the client pays (low == high unless a range); None for all cases
    high_eur: Decimal | None
    full_low_eur: Decimal | None   # the adult fee it was computed from
    full_high_eur: Decimal | None
    text: str


# ---------------------------------------------------------------- loading and checks

def _placeholders(text: str) -> set[str]:
    """Names inside {braces} of a text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_texts(where: str, texts: Any, allowed: set[str]) -> dict[str, str]:
    """A de+en text pair whose placeholders are all allowed."""
    if not isinstance(texts, dict) or not all(isinstance(texts.get(l), str) and texts[l].strip()
                                               for l in LANGUAGES):
        raise KnowledgeError(f"content/knowledge.yml, {where}: needs a German (de) and an English (en) text")
    for lang in LANGUAGES:
        try:
            unknown = _placeholders(texts[lang]) - allowed
        except ValueError as exc:  # unbalanced braces
            raise KnowledgeError(f"content/knowledge.yml, {where} ({lang}): broken placeholder: {exc}") from exc
        if unknown:
            raise KnowledgeError(
                f"content/knowledge.yml, {where} ({lang}): unknown placeholder(s) "
                f"{', '.join('{' + u + '}' for u in sorted(unknown))}; use a key listed under 'facts:'"
            )
    return {lang: texts[lang] for lang in LANGUAGES}


def _parse_facts(raw: Any) -> dict[str, Any]:
    """Fact values by key; every fact needs a value and a source."""
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeError("content/knowledge.yml: 'facts:' is missing or empty")
    facts = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or "value" not in entry:
            raise KnowledgeError(f"content/knowledge.yml, fact '{key}': needs 'value:'")
        if not str(entry.get("source") or "").strip():
            raise KnowledgeError(f"content/knowledge.yml, fact '{key}': needs 'source:' (where it is published)")
        if key.endswith("_eur") and not isinstance(entry["value"], (int, float)):
            raise KnowledgeError(f"content/knowledge.yml, fact '{key}': an amount in euro must be a number")
        facts[key] = entry["value"]
    missing = [k for k in FEE_FACTS if k not in facts]
    if missing:
        raise KnowledgeError(f"content/knowledge.yml: facts {', '.join(missing)} are missing (fees need them)")
    return facts


def _parse_answers(raw: Any, facts: dict) -> tuple[dict, dict, dict]:
    """Answer texts, sources and offered concerns by intent."""
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeError("content/knowledge.yml: 'answers:' is missing or empty")
    answers, sources, offers = {}, {}, {}
    for intent, entry in raw.items():
        where = f"answer '{intent}'"
        if not isinstance(entry, dict):
            raise KnowledgeError(f"content/knowledge.yml, {where}: needs 'de', 'en' and 'sources'")
        answers[intent] = _check_texts(where, entry, set(facts))
        refs = entry.get("sources")
        if not isinstance(refs, list) or not any(str(r).strip() for r in refs):
            raise KnowledgeError(f"content/knowledge.yml, {where}: needs at least one entry under 'sources:'")
        sources[intent] = [str(r) for r in refs]
        if entry.get("offer") is not None:
            offers[intent] = _check_offer(where, entry["offer"])
    return answers, sources, offers


def _check_offer(where: str, offer: Any) -> str:
    """An offered concern must be an enquiry intent (enquiry_...), the way the menu starts one."""
    if not isinstance(offer, str) or not re.fullmatch(r"enquiry_[a-z_]+", offer):
        raise KnowledgeError(f"content/knowledge.yml, {where}: 'offer:' must name a concern's intent "
                             f"(e.g. enquiry_other), not {offer!r}")
    return offer


def _parse_fee_quotes(raw: Any, facts: dict) -> tuple[dict, dict]:
    """Case labels and sentence templates for fee quotes."""
    if not isinstance(raw, dict):
        raise KnowledgeError("content/knowledge.yml: 'fee_quotes:' is missing")
    cases = raw.get("cases") or {}
    for case in FEE_CASES:
        cases[case] = _check_texts(f"fee_quotes.cases '{case}'", cases.get(case), set())
    allowed = set(facts) | set(raw.get("variables") or [])
    templates = raw.get("templates") or {}
    for name in TEMPLATE_NAMES:
        templates[name] = _check_texts(f"fee_quotes.templates '{name}'", templates.get(name), allowed)
    return cases, templates


def parse_knowledge(data: Any) -> Knowledge:
    """Build and check the knowledge from the parsed YAML."""
    if not isinstance(data, dict):
        raise KnowledgeError("content/knowledge.yml: expected 'facts:', 'answers:' and 'fee_quotes:'")
    facts = _parse_facts(data.get("facts"))
    answers, sources, offers = _parse_answers(data.get("answers"), facts)
    cases, templates = _parse_fee_quotes(data.get("fee_quotes"), facts)
    sentences, sentence_sources = _parse_sentences(data.get("sentences") or {}, facts)
    return Knowledge(facts=facts, answers=answers, sources=sources, fee_cases=cases, fee_templates=templates,
                     offers=offers, sentences=sentences, sentence_sources=sentence_sources)


SENTENCE_VARIABLES = {"age", "concern", "country"}


def _parse_sentences(raw: Any, facts: dict) -> tuple[dict, dict]:
    """Composable sentences: de and en, sources; placeholders are facts, {age}, {concern} or {country}."""
    if not isinstance(raw, dict):
        raise KnowledgeError("content/knowledge.yml: 'sentences:' must map names to de/en texts")
    texts, sources = {}, {}
    for key, entry in raw.items():
        where = f"sentence '{key}'"
        texts[key] = _check_texts(where, entry, set(facts) | SENTENCE_VARIABLES)
        refs = entry.get("sources")
        if not isinstance(refs, list) or not refs:
            raise KnowledgeError(f"content/knowledge.yml, {where}: needs 'sources:' (a list)")
        sources[key] = [str(r) for r in refs]
    return texts, sources


@lru_cache
def load_knowledge(path: Path = KNOWLEDGE_PATH) -> Knowledge:
    """The checked knowledge file (read once)."""
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise KnowledgeError(f"content/knowledge.yml is not valid YAML: {exc}") from exc
    return parse_knowledge(data)


# ---------------------------------------------------------------- formatting

def _language(language: str | None) -> str:
    """de or en; anything else falls back to German, the office's language."""
    return language if language in LANGUAGES else "de"


def format_money(amount: Decimal | int | float, language: str) -> str:
    """German "12,50 Euro" / English "EUR 12.50"; whole amounts without cents."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    number = f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"
    return f"{number.replace('.', ',')} Euro" if language == "de" else f"EUR {number}"


def format_date(value: dt.date, language: str) -> str:
    """German "01.09.2011" / English "1 September 2011"."""
    if language == "de":
        return value.strftime("%d.%m.%Y")
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def format_list(items: list, language: str) -> str:
    """ "a, b und c" / "a, b or c" — lists in answers are alternatives (phone numbers, file types)."""
    words = [str(i) for i in items]
    if len(words) < 2:
        return "".join(words)
    joiner = " oder " if language == "de" else " or "
    return ", ".join(words[:-1]) + joiner + words[-1]


def format_fact(key: str, value: Any, language: str) -> str:
    """One fact as it reads in a sentence."""
    if key.endswith("_eur"):
        return format_money(value, language)
    if isinstance(value, dt.date):
        return format_date(value, language)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return format_date(dt.date.fromisoformat(value), language)
    if isinstance(value, (list, tuple)):
        return format_list(list(value), language)
    return str(value)


def _fill(template: str, knowledge: Knowledge, language: str, **variables: str) -> str:
    """Fill a template with formatted facts and the given variables."""
    values = {k: format_fact(k, v, language) for k, v in knowledge.facts.items()}
    values.update(variables)
    return template.format(**values)


def answer(intent: str, language: str, knowledge: Knowledge | None = None) -> str | None:
    """The answer to a general question in the client's language, or None if there is none."""
    knowledge = knowledge or load_knowledge()
    texts = knowledge.answers.get(intent)
    if texts is None:
        return None
    lang = _language(language)
    return _fill(texts[lang], knowledge, lang)


def sentence(key: str, language: str, knowledge: Knowledge | None = None, **variables: str) -> str:
    """A composable sentence (content/knowledge.yml `sentences`) with facts and variables filled in."""
    knowledge = knowledge or load_knowledge()
    return _fill(knowledge.sentences[key][_language(language)], knowledge, _language(language), **variables)


def offer(intent: str, knowledge: Knowledge | None = None) -> str | None:
    """The concern (enquiry_* intent) to offer as a button under this answer, if any."""
    return (knowledge or load_knowledge()).offers.get(intent)


def sources(intent: str, knowledge: Knowledge | None = None) -> list[str]:
    """Where the answer to an intent comes from (for staff and tests)."""
    return list((knowledge or load_knowledge()).sources.get(intent, []))


# ---------------------------------------------------------------- reading the message

def _fold(text: str) -> str:
    """Lowercase with umlauts written out, so "Verlängerung" and "verlaengerung" match alike."""
    text = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return text


# The words of questions (content/matter_words.yml); the code keeps only the shape of each pattern.
MATTER_WORDS_PATH = CONTENT_DIR / "matter_words.yml"


@lru_cache
def _matter_words() -> dict[str, Any]:
    return yaml.safe_load(MATTER_WORDS_PATH.read_text(encoding="utf-8"))


def _any(words: list) -> str:
    if any(isinstance(w, bool) for w in words):
        raise KnowledgeError("content/matter_words.yml: quote yes, no, on and off (\"on\")")
    folded = sorted({_fold(str(w)) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in folded)


def _words(section: str) -> str:
    """One group matching the section's words: contains (anywhere), starts (at a word's start),
    words (whole words), ends (where a word ends)."""
    entry = _matter_words()[section]
    shapes = {"contains": "(?:{})", "starts": r"\b(?:{})", "words": r"\b(?:{})\b", "ends": r"(?:{})\b"}
    parts = [shape.format(_any(entry[key])) for key, shape in shapes.items() if entry.get(key)]
    return "(?:" + "|".join(parts) + ")"


_VISA = re.compile(_words("visa"))
_EXTEND = re.compile(_words("extend"))
_ISSUE = re.compile(_words("issue"))
_OTHER_MATTER = re.compile(_words("other_matter"))
_MINOR_WORD = re.compile(_words("minor"))
_ADULT_WORD = re.compile(_words("adult"))
# After a number: words that show it is not an age (money, durations, dates, times).
_NOT_AGE = rf"(?!\s*{_words('not_age_after')}|[.:/,]\d|\.\s*(?:\d|{_words('months_after_day')}))"
_YEARS = _words("years")
# Unambiguous ages, most explicit first: "12 Jahre alt", "12-jährig", "12yo", "Kind von 12",
# "son (12)", "kid 15", "aged 15", "im Alter von 12", "sie ist 8", "I'm 17".
_AGE_PATTERNS = (
    re.compile(rf"\b(\d{{1,2}})\s*-?\s*{_YEARS}\s*{_words('old')}"),
    re.compile(rf"\b(\d{{1,2}})\s*-?\s*{_words('age_endings')}"),
    re.compile(rf"{_MINOR_WORD.pattern}[\s,:()-]{{0,3}}{_words('age_connectors')}?\s*(\d{{1,2}})\b{_NOT_AGE}"),
    re.compile(rf"{_words('age_intros')}\s*:?\s*(\d{{1,2}})\b{_NOT_AGE}"),
    re.compile(rf"{_words('age_verbs')}\s+(?:{_words('age_fillers')}\s+)?(\d{{1,2}})\b{_NOT_AGE}"),
)
# A bare "18 years" / "15 Jahre" is an age unless a word before it makes it a duration.
_BARE_YEARS = re.compile(rf"(?:\b([a-z]+)\s+)?\b(\d{{1,2}})\s*{_YEARS}\b(?!\s*{_words('not_age_after_years')})")
_DURATION_WORDS = {_fold(str(w)) for w in _matter_words()["duration_words"]}


def _fee_case(folded: str) -> str | None:
    """Which fee the message is about, if it says."""
    visa, extend = bool(_VISA.search(folded)), bool(_EXTEND.search(folded))
    if visa and extend:
        return "visa_extension"
    if extend:
        return "extension"
    if _ISSUE.search(folded):
        return "issue"
    if visa:
        return "visa_extension"  # the office only extends visas; issuing one is for embassies
    return None


# Numbers as words (content/matter_words.yml number_words): after an age verb ("er wird sechs") or
# before a birthday ("her sixth birthday"), read as the digits; "6. Geburtstag", "6th birthday" too.
_NUMBER_WORDS = {_fold(str(w)): str(n) for n, words in (_matter_words().get("number_words") or {}).items() for w in words}
_SPELLED = rf"\b({_any(list(_NUMBER_WORDS))})\b" if _NUMBER_WORDS else r"(?!)"
_SPELLED_AFTER_VERB = re.compile(rf"({_words('age_verbs')}\s+(?:{_words('age_fillers')}\s+)?){_SPELLED}"
                                 rf"(?!\s*{_words('years')}\s*{_words('not_age_after_years')})")
_SPELLED_BEFORE_BIRTHDAY = re.compile(rf"{_SPELLED}(?=\s+{_words('birthday')})")
_BIRTHDAY = re.compile(rf"\b(\d{{1,2}})(?:{_words('ordinal_endings')})?\s+{_words('birthday')}")


def _digits(folded: str) -> str:
    """The text with ages written as words turned into digits ("wird bald sechs" -> "wird bald 6")."""
    folded = _SPELLED_AFTER_VERB.sub(lambda m: m.group(1) + _NUMBER_WORDS[m.group(m.lastindex)], folded)
    return _SPELLED_BEFORE_BIRTHDAY.sub(lambda m: _NUMBER_WORDS[m.group(1)], folded)


def _age(folded: str) -> int | None:
    """An age in years mentioned in the message, if any."""
    folded = _digits(folded)
    birthday = _BIRTHDAY.search(folded)
    if birthday:
        return int(birthday.group(1))
    for pattern in _AGE_PATTERNS:
        match = pattern.search(folded)
        if match:
            return int(match.group(match.lastindex))
    for match in _BARE_YEARS.finditer(folded):
        if match.group(1) not in _DURATION_WORDS:
            return int(match.group(2))
    return None


def read_age(text: str) -> int | None:
    """An age in years a client's message mentions ("Kind von 12", "he's 3"), if any."""
    return _age(_fold(text or ""))


@dataclass(frozen=True)
class FeeRequest:
    """What a client's message says about a fee: the matter and who it is for."""

    case: str | None
    minor: bool
    age: int | None


def read_fee_request(text: str, adult_age: int = 18) -> FeeRequest | None:
    """The matter and age a fee question is about; None when it names neither."""
    folded = _fold(text or "")
    if _OTHER_MATTER.search(folded):
        return None  # a fee the sources do not state: the general answer says to ask staff
    case, age = _fee_case(folded), _age(folded)
    minor = age < adult_age if age is not None else bool(_MINOR_WORD.search(folded)) and not _ADULT_WORD.search(folded)
    if case is None and age is None and not minor:
        return None
    return FeeRequest(case=case, minor=minor, age=age)


# ---------------------------------------------------------------- computing the fee

def _full_fee(case: str, facts: dict) -> tuple[Decimal, Decimal]:
    """The adult fee of a case as (low, high)."""
    if case == "visa_extension":
        return Decimal(str(facts["fee_visa_extension_min_eur"])), Decimal(str(facts["fee_visa_extension_max_eur"]))
    key = "fee_issue_eur" if case == "issue" else "fee_extension_eur"
    amount = Decimal(str(facts[key]))
    return amount, amount


def _payable(full: tuple[Decimal, Decimal], minor: bool, facts: dict) -> tuple[Decimal, Decimal]:
    """What the client pays: minors a fraction (half) of the adult fee."""
    factor = Decimal(str(facts["minor_fee_factor"])) if minor else Decimal(1)
    return tuple(a * factor for a in full)  # type: ignore[return-value]


def _template_name(request: FeeRequest, is_range: bool) -> str:
    """Which sentence fits: adult/minor, with or without age, one case, a range or all."""
    base = "minor" if request.minor else "adult"
    with_age = "_age" if request.age is not None else ""
    if request.case is None:
        return f"{base}{with_age}_all"
    return f"{base}{with_age}{'_range' if is_range else ''}"


def _all_cases_variables(minor: bool, facts: dict, lang: str) -> dict[str, str]:
    """Amounts of every case for the "all" sentences."""
    money = lambda amount: format_money(amount, lang)  # noqa: E731
    issue, extension, visa = (_full_fee(c, facts) for c in FEE_CASES)
    return {
        "issue_full": money(issue[0]), "extension_full": money(extension[0]),
        "visa_full_low": money(visa[0]), "visa_full_high": money(visa[1]),
        "issue": money(_payable(issue, minor, facts)[0]),
        "extension": money(_payable(extension, minor, facts)[0]),
        "visa_low": money(_payable(visa, minor, facts)[0]),
        "visa_high": money(_payable(visa, minor, facts)[1]),
    }


def quote_fee(request: FeeRequest, language: str, knowledge: Knowledge | None = None) -> FeeQuote:
    """Work out the fee for a request and phrase it in the client's language."""
    knowledge = knowledge or load_knowledge()
    lang, facts = _language(language), knowledge.facts
    variables = {"age": str(request.age) if request.age is not None else ""}
    if request.case is None:
        variables.update(_all_cases_variables(request.minor, facts, lang))
        low = high = full_low = full_high = None
        is_range = False
    else:
        full_low, full_high = _full_fee(request.case, facts)
        low, high = _payable((full_low, full_high), request.minor, facts)
        is_range = full_low != full_high
        variables.update(
            case=knowledge.fee_cases[request.case][lang],
            amount=format_money(low, lang), full=format_money(full_low, lang),
            low=format_money(low, lang), high=format_money(high, lang),
            full_low=format_money(full_low, lang), full_high=format_money(full_high, lang),
        )
    template = knowledge.fee_templates[_template_name(request, is_range)][lang]
    text = _fill(template, knowledge, lang, **variables)
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    return FeeQuote(case=request.case, minor=request.minor, age=request.age, low_eur=low, high_eur=high,
                    full_low_eur=full_low, full_high_eur=full_high, text=text)


def compute_fee(text: str, language: str, knowledge: Knowledge | None = None) -> FeeQuote | None:
    """The fee for the matter and age named in a client's message; None if it names neither."""
    knowledge = knowledge or load_knowledge()
    request = read_fee_request(text, int(knowledge.facts["adult_age"]))
    return None if request is None else quote_fee(request, language, knowledge)
