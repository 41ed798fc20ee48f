"""Which language (German or English) the client is writing in, and explicit switch requests.

A cheap word-list detector: clients write short, colloquial, often misspelt
messages, where statistical detectors on single words are unreliable. We only
switch when the evidence is clear, otherwise we keep the conversation's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.folding import fold

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SUPPORTED = ("de", "en")
DEFAULT = "de"

# Frequent function words and domain words that exist in one language only.
_WORDS = {
    "de": set(
        """ich du sie wir ihr mein meine meinen meiner mich mir bin bist ist sind habe hast hat haben
        nicht kein keine keinen und oder aber auch noch schon bitte danke dank hallo moin servus
        tschüss tschuss guten morgen abend tag wie was wann warum wieso weshalb wo wer welche welcher
        kann können könnte möchte moechte mochte will würde wuerde muss müssen brauche
        der die das dem den des ein eine einen einem einer für fuer mit von zu zum zur bei nach
        über ueber auf aus im ins am um ja nein nee doch gerne gern mal jetzt heute morgen
        aufenthaltserlaubnis aufenthaltstitel verlängern verlaengern verlängerung verlaengerung
        termin unterlagen gebühren gebuehren kosten kostet ausweis abholen abholung geburtsdatum
        staatsangehörigkeit staatsangehoerigkeit anliegen frage antrag niederlassungserlaubnis
        blaue karte visum studium arbeit ehefrau ehemann kind kinder deutsch deutschland verloren
        gestohlen geht gibt soll sollte dass weil wenn dann hier dort etwas nichts alles
        diese dieser dieses diesem diesen genau eigentlich denn nur sein seine seinen ihre ihren ihrem unser unsere
        uns euch sich wird werden wurde waren gilt gültig gueltig lange wieviel viel viele oft immer nie gleich
        halt ob bis seit vom beim unter ohne durch sehr ganz welchen wieso sohn tochter frau mann jemand andere
        anderer muss mus brauch hab hin mitkommen mitbringen bekomme kriege gehen kommen""".split()
    ),
    "en": set(
        """i you he she we they my me mine am is are was were have has had do does did don't dont
        not no and or but also still already please thanks thank hello bye goodbye good
        morning evening how what when why where who which can could would will want need must
        should the a an of for with from to at by on in into about yes yeah yep nope sure
        now today tomorrow residence permit extend extension renew appointment documents fees
        cost costs pick pickup birth date nationality question application settlement
        study work wife husband child children english germany lost stolen it this
        that there here something nothing everything get got your our their
        much many times often long valid old does his her them these those than then just really actually
        gonna gotta wanna there's it's i'm ready friend kids kid son daughter bring go come fee price cheaper
        someone somebody anyone else should""".split()
    ),
}

_TOKEN = re.compile(r"[a-zäöüß']+", re.IGNORECASE)

# Language names as clients type them, with common typos ("englsh", "deutch", "germen").
_NAMES = {
    "en": r"(?:eng?l[iy]?s?c?h|engilsh|inglish|englis)",
    "de": r"(?:deu?ts?c?h|germ[ae]n)",
}
# Words that make a language name a request: "can we speak English?", "kann ich englisch schreiben".
_CUES = re.compile(
    r"\b(?:speak|speaking|spoken|write|writing|talk|reply|answer|respond|switch|change|continue|prefer|rather"
    r"|understand|only|please|pls|plz|language|sprechen|spreche|sprichst|sprich|redest|reden|schreiben|schreibe"
    r"|schreib|antworten|antworte|antwort|want|möchte|moechte|wechseln|weiter|lieber|verstehe|verstehen|verstehst|nur|bitte|sprache"
    r"|better|besser|bad|schlecht|umstellen|stell|wechsel|available|geht|gibt es das|können wir|koennen wir"
    r"|können sie|koennen sie|kannst du|can we|can you|could you|do you|can u|do u|is there)\b",
    re.IGNORECASE,
)
# Just before the language name: "I don't speak German", "ich spreche kein Englisch".
_NEGATED = re.compile(
    r"\b(?:no|not|don'?t|dont|doesn'?t|can'?t|cannot|cant|kein|keine|keinen|nicht|nix)\b(?:\W+\w+){0,2}\W*$",
    re.IGNORECASE,
)
# Just after it: "my German is bad", "mein Englisch ist nicht so gut".
_POOR = re.compile(r"^\W*(?:is|ist)\W+(?:\w+\W+)?(?:bad|poor|weak|not (?:so |very )?good|schlecht|schwach"
                   r"|nicht (?:so |sehr )?gut)\b", re.IGNORECASE)
# Words that may follow a language name used as a language; any other word makes it an
# adjective ("German citizen", "Deutschkurs", "deutsch lernen"), not a request.
_AFTER_NAME = re.compile(
    r"^(?:\W*$|\W*(?:please|pls|plz|bitte|now|jetzt|again|wieder|too|auch|only|nur|is|ist|and|und|or|oder|ok|okay"
    r"|possible|möglich|sprechen|speak|reden|talk|schreiben|write|antworten|reply|answer|umstellen|weiter\w*|better"
    r"|um|wechseln|umschalten|fortfahren|continue|bleiben|stay|switch|sorry|sry|leider|well|good|gut|very|so|sehr|at all"
    r"|besser|sprache|language|for|für|fuer|with|mit|bei|as|sein|sein\?|here|hier|instead|statt|also)\b)",
    re.IGNORECASE,
)
# A message that is nothing but a language name: "English", "deutsch bitte", "englisch?", "in English".
_ONLY_NAME = re.compile(r"^\W*(?:(?:in|auf)\s+)?(?P<name>[a-zäöü]+)\W*(?:please|pls|plz|bitte)?[\W]*$",
                        re.IGNORECASE)


# The vocabulary of a language as a topic, elsewhere, and of a request: content/questions.yml.
QUESTIONS_PATH = Path(__file__).resolve().parent.parent / "content" / "questions.yml"


@dataclass(frozen=True)
class LanguageWords:
    """content/questions.yml `language_topic`, `language_elsewhere` and `language_request`,
    each one pattern over folded text (bot/folding.py)."""

    topic: re.Pattern[str]
    elsewhere: re.Pattern[str]
    request: re.Pattern[str]


def _pattern(words: list[str]) -> re.Pattern[str]:
    """Whole words or phrases of folded text; "*" every ending, "..." any words between."""
    def phrase(raw: str) -> str:
        parts = []
        for part in str(raw).split("..."):
            tokens = fold(part).split()
            parts.append(" ".join(re.escape(t[:-1]) + "[a-z0-9']*" if t.endswith("*") else re.escape(t)
                                  for t in tokens))
        return "(?: [a-z0-9']+)* ".join(p for p in parts if p)
    alternatives = sorted({phrase(w) for w in words if fold(str(w).replace("...", " "))}, key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!x)x")  # an empty list matches nothing
    return re.compile(r"(?<![a-z0-9'])(?:" + "|".join(alternatives) + r")(?![a-z0-9'])")


@lru_cache
def language_words(path: Path = QUESTIONS_PATH) -> LanguageWords:
    """The words of content/questions.yml that decide whether a named language is asked for."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    return LanguageWords(_pattern(data.get("language_topic") or []), _pattern(data.get("language_elsewhere") or []),
                         _pattern(data.get("language_request") or []))


def language_as_topic(text: str, words: LanguageWords | None = None) -> bool:
    """Whether a message names a language as what it asks about (skills, a course, an obligation
    to speak it, someone who speaks it, at the appointment), not as the language to write in:
    "Does my wife need German language skills?"."""
    stripped = (text or "").strip()
    # The name, also inflected or in a compound ("die deutsche Sprache", "Deutschkenntnisse"); not the
    # country ("Germany", "Deutschland").
    if not any(re.search(rf"\b{name}(?!land|y)", stripped, re.IGNORECASE) for name in _NAMES.values()):
        return False
    words = words or language_words()
    folded = fold(stripped)
    if words.elsewhere.search(folded):
        return True  # "Can we speak English at the appointment?": about the office, not this chat
    return bool(words.topic.search(folded)) and not words.request.search(folded)


def requested_language(text: str, words: LanguageWords | None = None) -> str | None:
    """The language the client explicitly asks for ("can we speak English?"), if any."""
    stripped = text.strip()
    if not stripped or stripped.startswith("/") or language_as_topic(stripped, words):
        return None
    found = [(lang, m) for lang, name in _NAMES.items()
             for m in re.finditer(rf"\b{name}\b", stripped, re.IGNORECASE)
             if _AFTER_NAME.match(stripped[m.end():])]
    if not found:
        return None
    only = _ONLY_NAME.match(stripped)
    alone = len(found) == 1 and bool(only) and only.group("name").lower() == found[0][1].group(0).lower()
    short_question = stripped.endswith("?") and len(_TOKEN.findall(stripped)) <= 3  # "English ok?"
    # "I am German" or "Staatsangehörigkeit: deutsch" name a nationality, not a wish.
    poor = any(_POOR.search(stripped[m.end():]) for _, m in found)  # "mein Englisch ist nicht so gut"
    if not (alone or short_question or poor or _CUES.search(stripped)):
        return None
    # Each name votes for itself, or for the other language when negated or called poor
    # ("English please, mein Deutsch ist schlecht"); "deutsch oder englisch?" is no request.
    votes = {_vote(lang, stripped[:m.start()], stripped[m.end():]) for lang, m in found}
    return votes.pop() if len(votes) == 1 else None


def _vote(lang: str, before: str, after: str) -> str:
    """The language a mention of `lang` asks for, given the words around it."""
    clause = re.split(r"[,.;!?]", before)[-1]  # "mein Deutsch ist nicht gut, Englisch bitte"
    if _NEGATED.search(clause) or _POOR.search(after):
        return "en" if lang == "de" else "de"
    return lang


def language_scores(text: str) -> dict[str, int]:
    """Count words that belong to only one of the two languages."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    scores = {lang: 0 for lang in SUPPORTED}
    for word in words:
        in_de, in_en = word in _WORDS["de"], word in _WORDS["en"]
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
