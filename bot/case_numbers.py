"""Case numbers: LEA-<year>-XXXX-XXXX, random, read aloud and typed on a phone, with a check character.

Shape: ``LEA-2026-7KQM-XR4P``: the year the case was received (office time), seven
characters drawn with ``secrets`` and one check character (the last). The alphabet has
31 characters (2-9 and A-Z without I, L, O): no 0/O, 1/I/L to confuse, and 31 is prime,
so a weighted sum modulo 31 catches every single wrong character and every swapped
pair (also of the year's digits) when the client types the number back.

Seven random characters are 31^7 (about 2.8 * 10^10, 34 bits) numbers a year: with 100,000
cases a year one guess in 275,000 names a case, and a guess learns nothing anyway (an
unknown number and a wrong follow-up key get the same answer, bot/backend/follow_ups.py).
Numbers issued before (``LEA-2026-000042``: a sequence per year) stay valid: they are
read, looked up and shown as they are, without a check character.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

PREFIX = "LEA"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters (a prime): no 0, 1, I, L, O
RANDOM_CHARS = 7
YEAR_WEIGHT = 9  # the characters weigh 1..8; the year 9 (all distinct and non-zero mod 31)
_MOD = len(ALPHABET)
_INVERSE_OF_LAST_WEIGHT = pow(RANDOM_CHARS + 1, -1, _MOD)

# The shapes as typed: separators optional (spaces or hyphens), any case.
OLD_SHAPE = re.compile(r"\bLEA[\s-]*(\d{4})[\s-]*(\d{6})\b", re.IGNORECASE)
NEW_SHAPE = re.compile(r"\bLEA[\s-]*(\d{4})[\s-]*([0-9A-Z]{4})[\s-]?([0-9A-Z]{4})\b", re.IGNORECASE)
# Something that starts like one of our numbers but is not one (a character short, one too many).
LOOKS_LIKE = re.compile(r"\bLEA[\s-]*(\d{2,5})[\s-]*([0-9A-Z]{1,6}(?:[\s-]?[0-9A-Z]{1,6})?)\b", re.IGNORECASE)
# Either shape in canonical form (tests, logs scrubbing, PDFs).
CANONICAL = re.compile(r"LEA-\d{4}-(?:\d{6}|[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})")


def _weighted(year: int, chars: str) -> int:
    return (YEAR_WEIGHT * year + sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(chars))) % _MOD


def check_character(year: int, chars: str) -> str:
    """The check character for the seven random characters of ``year``'s number."""
    return ALPHABET[(-_weighted(year, chars) * _INVERSE_OF_LAST_WEIGHT) % _MOD]


def new_case_number(year: int) -> str:
    """A fresh random number of ``year`` (uniqueness is the database's: cases.case_number)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    chars += check_character(year, chars)
    return f"{PREFIX}-{year}-{chars[:4]}-{chars[4:]}"


def valid_check(year: int, chars: str) -> bool:
    """True when the eight characters belong to the alphabet and their check character fits."""
    return (len(chars) == RANDOM_CHARS + 1 and all(c in ALPHABET for c in chars)
            and _weighted(year, chars) == 0)


@dataclass(frozen=True)
class Found:
    """A case number in a text: ``number`` (canonical) when valid; ``typo`` when something
    looks like one of our numbers but its check character or length does not fit."""

    number: str | None
    typo: bool
    start: int
    end: int


def find(text: str) -> Found | None:
    """The first case number of ours in a text (None: there is none, not even a mistyped one)."""
    old = OLD_SHAPE.search(text)
    new = NEW_SHAPE.search(text)
    for match in sorted((m for m in (old, new) if m), key=lambda m: m.start()):
        year = int(match.group(1))
        if match.re is OLD_SHAPE:
            return Found(f"{PREFIX}-{year:04d}-{match.group(2)}", False, match.start(), match.end())
        chars = (match.group(2) + match.group(3)).upper()
        if valid_check(year, chars):
            return Found(f"{PREFIX}-{year:04d}-{chars[:4]}-{chars[4:]}", False, match.start(), match.end())
        if _meant_as_number(match.group(2) + match.group(3)):
            return Found(None, True, match.start(), match.end())
    for loose in LOOKS_LIKE.finditer(text):
        if _meant_as_number(loose.group(2)):
            return Found(None, True, loose.start(), loose.end())
    return None


def _meant_as_number(typed: str) -> bool:
    """Characters after "LEA <year>" meant as a number: with a digit, or in capitals as shown
    ("LEA 2026 Terminen" is words)."""
    letters = re.sub(r"[\s-]", "", typed)
    return any(c.isdigit() for c in letters) or letters.isupper()


def canonical(text: str) -> str | None:
    """The canonical form of a typed case number (either shape), or None when it is none or mistyped."""
    found = find(text.strip())
    if found is None or found.number is None or text.strip()[:found.start].strip() or text.strip()[found.end:].strip():
        return None
    return found.number
