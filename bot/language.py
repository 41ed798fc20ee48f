"""Which language (German or English) the client is writing in, and explicit switch requests.

A cheap word-list detector: clients write short, colloquial, often misspelt
messages, where statistical detectors on single words are unreliable. We only
switch when the evidence is clear, otherwise we keep the conversation's language.

Every word it reads is content (content/questions.yml, the `language_*` lists): the code
keeps only the shape of each pattern. Imported by the action server and by Rasa's language
policy (bot/language_policy.py, Rasa's own Python 3.10 environment): a change of the words
needs a restart of Rasa, no training.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.folding import Words, fold

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SUPPORTED = ("de", "en")
DEFAULT = "de"

_TOKEN = re.compile(r"[a-zäöüß']+", re.IGNORECASE)

# The words of languages (names, wishes, negations, the detector's words), of a language as a
# topic, elsewhere, and of a request: content/questions.yml.
QUESTIONS_PATH = Path(__file__).resolve().parent.parent / "content" / "questions.yml"


@dataclass(frozen=True)
class LanguageWords:
    """The language words of content/questions.yml. `language_topic`, `language_elsewhere` and
    `language_request` are matched folded (bot/folding.py ``Words``, the conversation model's
    matcher, without typos); the others as typed, each list one pattern of the shape its use needs."""

    topic: Words
    elsewhere: Words
    request: Words
    names: dict[str, re.Pattern[str]]  # a language's name as a whole word ("englsh"), by language
    mentioned: re.Pattern[str]         # a name also inflected or in a compound, not the country
    wishes: re.Pattern[str]            # "speak", "können wir": a named language is wished for
    negated: re.Pattern[str]           # "I don't speak" just before a name
    poor: re.Pattern[str]              # "is bad" just after a name
    after_name: re.Pattern[str]        # what may follow a name used as a language
    alone: re.Pattern[str]             # a message that is a name alone ("in English", "deutsch bitte")
    detector: dict[str, frozenset[str]]  # words of one language only, by language


def _listed(data: dict, key: str, *inner: str) -> list[str]:
    """The words of a list of content/questions.yml (``inner``: keys of a mapping inside it)."""
    entry = data.get(key)
    for name in inner:
        entry = (entry or {}).get(name)
    words = entry or []
    where = ".".join((key, *inner))
    if not isinstance(words, list):
        raise ValueError(f"content/questions.yml '{where}': expected a list of words")
    if any(isinstance(w, bool) for w in words):
        raise ValueError(f"content/questions.yml '{where}': quote yes, no, on and off (\"no\")")
    return [str(w).strip() for w in words if str(w).strip()]


def _one_of(words: list[str]) -> str:
    """A group matching any of the words or phrases as typed (a word ending in "*": every ending)."""
    if not words:
        return "(?!x)x"  # an empty list matches nothing
    alternatives = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w)
                            for w in alternatives) + ")"


@lru_cache
def language_words(path: Path = QUESTIONS_PATH) -> LanguageWords:
    """The words of content/questions.yml that decide which language a message is in and asks for."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    names = {lang: _one_of(_listed(data, "language_names", lang)) for lang in SUPPORTED}
    country = _one_of(_listed(data, "language_country_endings"))
    flags = re.IGNORECASE
    return LanguageWords(
        topic=Words.of(_listed(data, "language_topic")),
        elsewhere=Words.of(_listed(data, "language_elsewhere")),
        request=Words.of(_listed(data, "language_request")),
        names={lang: re.compile(rf"\b{name}\b", flags) for lang, name in names.items()},
        mentioned=re.compile(rf"\b(?:{'|'.join(names.values())})(?!{country})", flags),
        wishes=re.compile(rf"\b{_one_of(_listed(data, 'language_wish_words'))}\b", flags),
        negated=re.compile(rf"\b{_one_of(_listed(data, 'language_negations'))}\b(?:\W+\w+){{0,2}}\W*$", flags),
        poor=re.compile(rf"^\W*{_one_of(_listed(data, 'language_poor', 'verbs'))}\W+(?:\w+\W+)?"
                        rf"{_one_of(_listed(data, 'language_poor', 'words'))}\b", flags),
        after_name=re.compile(rf"^(?:\W*$|\W*{_one_of(_listed(data, 'language_after_name'))}\b)", flags),
        alone=re.compile(rf"^\W*(?:{_one_of(_listed(data, 'language_alone', 'before'))}\s+)?(?P<name>[a-zäöü]+)\W*"
                         rf"{_one_of(_listed(data, 'language_alone', 'after'))}?[\W]*$", flags),
        detector={lang: frozenset(w.lower() for w in _listed(data, "language_detector", lang)) for lang in SUPPORTED},
    )


def language_as_topic(text: str, words: LanguageWords | None = None) -> bool:
    """Whether a message names a language as what it asks about (skills, a course, an obligation
    to speak it, someone who speaks it, at the appointment), not as the language to write in:
    "Does my wife need German language skills?"."""
    stripped = (text or "").strip()
    words = words or language_words()
    # The name, also inflected or in a compound ("die deutsche Sprache", "Deutschkenntnisse"); not the
    # country ("Germany", "Deutschland").
    if not words.mentioned.search(stripped):
        return False
    folded = fold(stripped)
    if words.elsewhere.any(folded, typos=False):
        return True  # "Can we speak English at the appointment?": about the office, not this chat
    return words.topic.any(folded, typos=False) and not words.request.any(folded, typos=False)


def requested_language(text: str, words: LanguageWords | None = None) -> str | None:
    """The language the client explicitly asks for ("can we speak English?"), if any."""
    stripped = text.strip()
    words = words or language_words()
    if not stripped or stripped.startswith("/") or language_as_topic(stripped, words):
        return None
    found = [(lang, m) for lang in SUPPORTED for m in words.names[lang].finditer(stripped)
             if words.after_name.match(stripped[m.end():])]
    if not found:
        return None
    only = words.alone.match(stripped)
    alone = len(found) == 1 and bool(only) and only.group("name").lower() == found[0][1].group(0).lower()
    short_question = stripped.endswith("?") and len(_TOKEN.findall(stripped)) <= 3  # "English ok?"
    # "I am German" or "Staatsangehörigkeit: deutsch" name a nationality, not a wish.
    poor = any(words.poor.search(stripped[m.end():]) for _, m in found)  # "mein Englisch ist nicht so gut"
    if not (alone or short_question or poor or words.wishes.search(stripped)):
        return None
    # Each name votes for itself, or for the other language when negated or called poor
    # ("English please, mein Deutsch ist schlecht"); "deutsch oder englisch?" is no request.
    votes = {_vote(lang, stripped[:m.start()], stripped[m.end():], words) for lang, m in found}
    return votes.pop() if len(votes) == 1 else None


def _vote(lang: str, before: str, after: str, words: LanguageWords) -> str:
    """The language a mention of `lang` asks for, given the words around it."""
    clause = re.split(r"[,.;!?]", before)[-1]  # "mein Deutsch ist nicht gut, Englisch bitte"
    if words.negated.search(clause) or words.poor.search(after):
        return "en" if lang == "de" else "de"
    return lang


def language_scores(text: str, words: LanguageWords | None = None) -> dict[str, int]:
    """Count words that belong to only one of the two languages (content/questions.yml `language_detector`)."""
    detector = (words or language_words()).detector
    tokens = [w.lower() for w in _TOKEN.findall(text)]
    scores = {lang: 0 for lang in SUPPORTED}
    for word in tokens:
        in_de, in_en = word in detector["de"], word in detector["en"]
        if in_de and not in_en:
            scores["de"] += 1
        elif in_en and not in_de:
            scores["en"] += 1
    if re.search(r"[äöüß]", text, re.IGNORECASE):
        scores["de"] += 1
    return scores


def detect_language(text: str) -> str | None:
    """The language a message is clearly written in, or None when it is not clear."""
    scores = language_scores(text)
    de, en = scores["de"], scores["en"]
    # Two more hits than the other language, or one hit against none on a short message.
    if de >= en + 2 or (de >= 1 and en == 0):
        return "de"
    if en >= de + 2 or (en >= 1 and de == 0):
        return "en"
    return None


def choose_language(text: str, current: str | None, preset: str | None) -> str:
    """The conversation's language after this message.

    An explicit request wins; then a message clearly in the other language;
    otherwise we keep the current language, else the channel's preset, else German.
    """
    asked = requested_language(text or "")
    if asked:
        return asked
    if text and not text.startswith("/"):
        detected = detect_language(text)
        # Decided by the whole message, with a margin: one foreign-looking or misspelt word
        # ("was is diese fiktionswirkunk") never moves a conversation, nor a channel's preset.
        kept = current if current in SUPPORTED else preset if preset in SUPPORTED else None
        if detected and (kept is None or detected == kept or _clearly_other(text, kept)):
            return detected
    if current in SUPPORTED:
        return current
    if preset in SUPPORTED:
        return preset
    return DEFAULT


def language_after_message(text: str, slot_value: str | None, preset: str | None, answered_before: bool) -> str:
    """The conversation's language after a client message, from the tracker's view.

    Before the assistant's first answer the slot holds only its default, and the
    channel's preset (page language, Telegram) is better evidence than that default.
    """
    return choose_language(text or "", slot_value if answered_before else None, preset)


def _clearly_other(text: str, current: str) -> bool:
    """Switch an ongoing conversation only on a sentence, not on a single word like "ok"."""
    scores = language_scores(text)
    other = "en" if current == "de" else "de"
    return scores[other] >= 2 and scores[other] >= scores[current] + 2


def normalise_language_code(code: str | None) -> str | None:
    """Map a channel's language code ("de-AT", "en_GB", "tr") to de/en (None if neither)."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED else None
