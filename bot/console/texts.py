"""The console's texts in German and English (content/console.yml) and the language of a request."""

from __future__ import annotations

from functools import lru_cache

import yaml
from fastapi import Request
from markupsafe import Markup

from bot.config import CONTENT_DIR

LANGUAGES = ("de", "en")
DEFAULT = "en"  # clients without a preference (and the existing tests) get English
COOKIE = "console_lang"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All console texts, loaded once per process."""
    return yaml.safe_load((CONTENT_DIR / "console.yml").read_text(encoding="utf-8"))


def text(language: str, key: str, /, **values) -> str:
    """A plain text (for messages built in code); a missing key is a KeyError, caught by the tests."""
    template = catalogue()[key][language if language in LANGUAGES else DEFAULT]
    return template.format(**values) if values else template


def markup(language: str, key: str, /, **values) -> Markup:
    """A text for a template: its own markup kept, the filled-in values escaped."""
    template = Markup(catalogue()[key][language if language in LANGUAGES else DEFAULT])
    return template.format(**values) if values else template


def _accept_language(header: str) -> str:
    """German when the browser prefers German (highest q), else English."""
    best, best_q = DEFAULT, -1.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > best_q:
            best, best_q = ("de" if tag.strip().lower().split("-")[0] == "de" else "en"), q
    return best


def language_of(request: Request) -> str:
    """The switch's cookie wins; otherwise the browser's Accept-Language; otherwise English."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return _accept_language(request.headers.get("accept-language", ""))


class Said(Exception):
    """An error whose message is a console text: a key of content/console.yml and its values.
    str() is the English text (logs, tests); pages show it in the reader's language with say()."""

    def __init__(self, key: str, /, **values) -> None:
        super().__init__(text(DEFAULT, key, **values))
        self.key, self.values = key, values

    def said_in(self, language: str) -> str:
        return text(language, self.key, **self.values)


def say(language: str, error: BaseException) -> str:
    """An error's message in the language (errors from shared code keep their English text)."""
    return error.said_in(language) if isinstance(error, Said) else str(error)
