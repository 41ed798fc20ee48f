"""Personal data out of client messages before staff see them: names, dates, e-mail
addresses, phone numbers, case numbers, document numbers, addresses.

Masking replaces a value by its kind in brackets ("[e-mail]"). Names are found by the
phrases clients introduce them with ("ich heiße", "my name is", "Name:") and by
capitalised words that are not common German/English words of the domain; when unsure
a word is masked (a lost word costs less than a leaked name).
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Our case numbers, both shapes (bot/case_numbers.py): LEA-2026-000042 and LEA-2026-7KQM-XR4W.
CASE_NUMBER = re.compile(r"\bLEA[-\s]?\d{4}[-\s]?(?:\d{3,}|[0-9A-Z]{4}[-\s]?[0-9A-Z]{4})\b", re.I)
# Dates: 3.3.1990, 03/03/90, 1990-03-03, "3. März 1990", "March 3, 1990", "3 March".
MONTHS = (r"(jan(uar|uary)?|feb(ruar|ruary)?|mär(z)?|maerz|mar(ch)?|apr(il)?|mai|may|jun[ie]?|jul[iy]?|aug(ust)?|"
          r"sep(t(ember)?)?|okt(ober)?|oct(ober)?|nov(ember)?|dez(ember)?|dec(ember)?)\.?")
DATE = re.compile(
    rf"\b(\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\d{{1,2}}\.?\s+{MONTHS}(\s+\d{{2,4}})?|{MONTHS}\s+\d{{1,2}}(st|nd|rd|th)?,?(\s+\d{{2,4}})?)\b",
    re.I)
PHONE = re.compile(r"(?<!\w)(\+|00)?\d[\d\s/().-]{6,}\d(?!\w)")
# Passport / card serials and other long codes mixing letters and digits.
DOCUMENT = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,12}\b")
ADDRESS = re.compile(r"\b[A-ZÄÖÜ][\wäöüß-]*(straße|strasse|str\.|weg|allee|platz|damm|ring|gasse)\s*\d+\w?\b", re.I)
POSTAL = re.compile(r"\b\d{5}\b")
NAME_INTRO = re.compile(
    r"(?P<intro>\b(?i:ich hei(ß|ss)e|mein name ist|mein name:|name:|my name is|i am called|i'm called|this is|"
    r"ich bin|i am|i'm|vorname:?|nachname:?|familienname:?)\s+)"
    r"(?P<name>[^\s,.;!?]+(\s+(?!(?i:und|and|ich|i|geboren|born|aus|from|bin|am|wohne|live|möchte|moechte|want|"
    r"would|habe|have|will|need|brauche|mit|with|my|mein|meine)\b)[^\s,.;!?]+){0,2})")
# Capitalised words that are not names (sentence starts are handled separately).
COMMON = {
    "ich", "i", "my", "mein", "meine", "die", "der", "das", "und", "wie", "was", "wo", "wann", "kann", "muss",
    "aufenthaltserlaubnis", "aufenthaltstitel", "blaue", "karte", "blue", "card", "visum", "visa", "termin",
    "deutschland", "germany", "berlin", "eu", "eat", "lea", "bitte", "please", "hallo", "hello", "hi", "danke",
    "thanks", "studium", "arbeit", "niederlassungserlaubnis", "fiktionsbescheinigung", "pass", "passport",
    "english", "deutsch", "german", "englisch", "ok", "ja", "nein", "yes", "no", "sie", "you", "ihr", "wir",
}


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper() and word.lower() not in COMMON and not word.isupper() and not word.startswith("[")


def _mask_names(text: str, language: str) -> str:
    """Introduced names; in English any capitalised word inside a sentence, in German (where
    nouns are capitalised) two or more capitalised words in a row ("Ayşe Yılmaz")."""

    def intro(match: re.Match) -> str:
        words = match.group("name").split()
        if words and words[0].lower() in COMMON | {"a", "an", "ein", "eine", "not", "nicht", "from", "aus"}:
            return match.group(0)  # "I am a student", "ich bin nicht sicher"
        return f"{match.group('intro')}[name]"

    text = NAME_INTRO.sub(intro, text)
    tokens = re.split(r"(\s+)", text)
    words = [t.strip(",.;:!?()\"'") for t in tokens]
    sentence_start, starts = True, []
    for token in tokens:
        starts.append(sentence_start)
        if token.strip():
            sentence_start = token.rstrip().endswith((".", "!", "?"))
    masked = list(tokens)
    for i, word in enumerate(words):
        if not _capitalised(word):
            continue
        neighbours = [j for j in (i - 2, i + 2) if 0 <= j < len(words) and _capitalised(words[j])]
        if (language == "en" and not starts[i]) or (language != "en" and neighbours):
            masked[i] = tokens[i].replace(word, "[name]")
    return "".join(masked)


def mask(text: str, language: str = "de") -> str:
    """The message with every personal value replaced by its kind."""
    for pattern, label in ((EMAIL, "[e-mail]"), (CASE_NUMBER, "[case number]"), (DATE, "[date]"),
                           (ADDRESS, "[address]"), (PHONE, "[phone]"), (DOCUMENT, "[document number]"),
                           (POSTAL, "[postal code]")):
        text = pattern.sub(label, text)
    text = _mask_names(text, language)
    return re.sub(r"(\[name\](\s+|$)){2,}", "[name] ", text).strip()
