"""Text folded for comparing words, and word lists matched against it (``Words``).

Folded: lower case, umlauts and their spellings "ae/oe/ue" reduced to the plain vowel, "ß" to
"ss", punctuation turned into single spaces.

A list of words or phrases (content/questions.yml) matches folded text: whole words; a word of
6+ letters also with one typo (10+ letters: two), a word of 5 letters with one vowel left out
inside it ("brng" = "bring"), and so do the words of a phrase (``typos=False``: none of these);
a word ending in "*" matches every ending, also inside a phrase ("antworte* auf"; a stem of 8+
letters also with one slip: "fingerprnts" = "fingerprint*"); a phrase with
"..." matches its parts in that order with any words between them ("braucht ... eine
aufenthaltserlaubnis" = "Braucht mein Mann eine Aufenthaltserlaubnis?").

No dependencies: the action server's conversation model (actions/dialogue/vocabulary.py) and
Rasa's language policy (bot/language.py, in Rasa's own environment, Python 3.10) compare words
the same way, with this one matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

_FOLDS = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ae", "a"), ("oe", "o"), ("ue", "u"), ("ß", "ss"),
          ("’", "'"), ("é", "e"), ("è", "e"))
_TOKEN = re.compile(r"[a-z0-9'*]+")


def fold(text: str) -> str:
    """Lower case, umlauts folded, punctuation turned into spaces, single spaces."""
    text = text.lower()
    for source, target in _FOLDS:
        text = text.replace(source, target)
    return " ".join(_TOKEN.findall(text))


GAP = " ... "   # between the parts of a phrase that may stand apart


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance (with transpositions), stopping early once over the limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


MEMO_SIZE = 256  # texts remembered per word list (a message's parts, a few messages)


@dataclass(frozen=True)
class Words:
    """A list of words or phrases, matched against folded text."""

    phrases: tuple[str, ...]
    # The model asks the same list about the same text many times per message (141 lookups,
    # 48 distinct, for a general question): each answer is remembered (not part of equality).
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, raw: Any) -> "Words":
        return cls(tuple(GAP.join(_folded_phrase(part) for part in str(w).split("...")) for w in raw or []))

    def found(self, folded: str, typos: bool = True) -> list[str]:
        """The phrases that occur in the folded text, in list order (typos: one-letter slips count)."""
        key = (folded, typos)
        hits = self._memo.get(key)
        if hits is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            hits = self._memo[key] = tuple(self._found(folded, typos))
        return list(hits)

    def _found(self, folded: str, typos: bool) -> list[str]:
        tokens = folded.split()
        padded = f" {folded} "
        initials = {t[0] for t in tokens}
        hits = []
        for phrase in self.phrases:
            if GAP in phrase or "*" in phrase[:-1]:  # parts apart, or a word with every ending inside a phrase
                if _in_order(phrase.split(GAP), tokens, typos):
                    hits.append(phrase)
            elif phrase.endswith("*"):
                stem = phrase[:-1]
                if " " in stem:
                    if f" {stem}" in padded:
                        hits.append(phrase)
                elif any(t.startswith(stem) or typos and _stem_typo(stem, t) for t in tokens):
                    hits.append(phrase)
            elif phrase and phrase[0] not in initials:
                continue  # a word or phrase, also with a slip, starts with the letter a token starts with
            elif " " in phrase:
                if f" {phrase} " in padded or typos and _phrase_typo_hit(phrase.split(), tokens):
                    hits.append(phrase)
            elif phrase in tokens or typos and _typo_hit(phrase, tokens):
                hits.append(phrase)
        return hits

    def any(self, folded: str, typos: bool = True) -> bool:
        return bool(self.found(folded, typos))


def _folded_phrase(raw: str) -> str:
    raw = raw.strip()
    return fold(raw[:-1]) + "*" if raw.endswith("*") else fold(raw)


def _in_order(parts: list[str], tokens: list[str], typos: bool) -> bool:
    """Each part (a word, a stem with "*" or words in a row) after the one before it."""
    start = 0
    for part in parts:
        words = part.split()
        n = len(words)
        at = next((i for i in range(start, len(tokens) - n + 1)
                   if all(_word_hit(w, t, typos) for w, t in zip(words, tokens[i:i + n]))), None)
        if at is None:
            return False
        start = at + n
    return True


def _word_hit(word: str, token: str, typos: bool) -> bool:
    if word.endswith("*"):
        return token.startswith(word[:-1]) or typos and _stem_typo(word[:-1], token)
    return token == word or typos and _typo_hit(word, [token])


def _phrase_typo_hit(words: list[str], tokens: list[str]) -> bool:
    """The phrase's words in a row, each the same or (5+ letters) with a typo ("in persn", "pick upp")."""
    n = len(words)
    for i in range(len(tokens) - n + 1):
        for w, t in zip(words, tokens[i:i + n]):
            if t != w and not (len(w) >= 5 and _typo_match(w, t)):
                break
        else:
            return True
    return False


def _typo_hit(word: str, tokens: list[str]) -> bool:
    return any(_typo_match(word, token) for token in tokens)


STEM_TYPO_MIN = 8   # a stem ("fingerprint*") of this many letters also matches with one slip in it


@lru_cache(maxsize=65536)
def _stem_typo(stem: str, token: str) -> bool:
    """Whether the token starts with the stem written with one slip ("fingerprnts" = "fingerprint*",
    "pasfoto" = "passfoto*"); only long stems, same first letter."""
    if len(stem) < STEM_TYPO_MIN or len(token) < len(stem) - 1 or token[0] != stem[0]:
        return False
    return any(_distance(token[:n], stem, 1) <= 1 for n in (len(stem) - 1, len(stem), len(stem) + 1) if n <= len(token))


@lru_cache(maxsize=65536)
def _typo_match(word: str, t: str) -> bool:
    """Whether the token is the word with a slip (the pairs recur across lists and messages)."""
    if len(word) == 5:
        # Only a vowel dropped inside ("brng" = "bring"; "june" is no "junge").
        return len(t) == 4 and any(word[:i] + word[i + 1:] == t for i in range(1, 4) if word[i] in "aeiou")
    if len(word) < 6:
        return False
    limit = 2 if len(word) >= 10 else 1
    if len(t) >= 5 and t[0] == word[0] and _distance(t, word, limit) <= limit:
        return True
    # A plural "s" besides the slip ("stikers" = "sticker").
    return len(t) >= 7 and t[-1] == "s" and word[-1] != "s" and t[0] == word[0] and _distance(t[:-1], word, limit) <= limit
