"""Text folded for comparing words: lower case, umlauts and their spellings "ae/oe/ue" reduced
to the plain vowel, "ß" to "ss", punctuation turned into single spaces.

No dependencies: the action server's conversation model (actions/dialogue/vocabulary.py) and
Rasa's language policy (bot/language.py, in Rasa's own environment) compare words the same way.
"""

from __future__ import annotations

import re

_FOLDS = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ae", "a"), ("oe", "o"), ("ue", "u"), ("ß", "ss"),
          ("’", "'"), ("é", "e"), ("è", "e"))
_TOKEN = re.compile(r"[a-z0-9'*]+")


def fold(text: str) -> str:
    """Lower case, umlauts folded, punctuation turned into spaces, single spaces."""
    text = text.lower()
    for source, target in _FOLDS:
        text = text.replace(source, target)
    return " ".join(_TOKEN.findall(text))
