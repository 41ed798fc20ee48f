"""The checks' messages in German and English (content/staffcheck.yml).

A check builds its problem with ``problem(file, key, ...)``: ``what`` and ``fix`` hold the
English text (`make validate` prints it, unchanged), the key and values let the console
say the same in the reader's language (``what``, ``fix``, ``name`` below).
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from bot.config import CONTENT_DIR
from bot.staffcheck.report import Problem

MESSAGES = CONTENT_DIR / "staffcheck.yml"
ENGLISH = "en"


@lru_cache(maxsize=1)
def catalogue() -> dict:
    return yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))


def _loader_message(language: str, values: dict) -> str:
    """A loader's message in the language: its place ("rule 'x', field 'unit'"), then what is wrong."""
    places = catalogue()["routing_places"]
    place = dict(values["place"])
    where = ", ".join(places[part][language].format(**place) for part in places if part in place)
    what = catalogue()["routing_errors"][values["error_key"]][language].format(**dict(values["error_values"]))
    return f"{where}: {what}" if where else what


def _fill(template: str, language: str, values: dict) -> str:
    if "error_key" in values and language != ENGLISH:
        values = {**values, "message": _loader_message(language, values)}
    names = catalogue()["language_names"]
    extra = {"language_name": names[values["language"]][language]} if values.get("language") in names else {}
    return template.format(**values, **extra)


def problem(file: str, key: str, /, *, name: str = "", line: int = 0, **values) -> Problem:
    """A problem with the message ``key``; the English text in what/fix, the key for translation."""
    message = catalogue()["messages"][key]
    return Problem(file, what=_fill(message["what"][ENGLISH], ENGLISH, values),
                   fix=_fill(message["fix"][ENGLISH], ENGLISH, values), name=name, line=line,
                   key=key, values=tuple(sorted(values.items())))


def _text(item: Problem, part: str, language: str) -> str:
    if not item.key or language == ENGLISH:
        return getattr(item, part)
    return _fill(catalogue()["messages"][item.key][part][language], language, dict(item.values))


def what(item: Problem, language: str) -> str:
    """What is wrong, in the language (a problem without a key keeps its English text)."""
    return _text(item, "what", language)


def fix(item: Problem, language: str) -> str:
    """How to fix it, in the language."""
    return _text(item, "fix", language)


def name(item: Problem, language: str) -> str:
    """The entry named ("intent 'faq_fees'" -> "Intent 'faq_fees'"), its kind word translated."""
    kind, space, rest = item.name.partition(" ")
    word = catalogue()["kinds"].get(kind, {}).get(language) if space else None
    return f"{word} {rest}" if word else item.name


def said(item: Problem, language: str) -> str:
    """One line: where, what, how to fix; for the console's short messages."""
    where = name(item, language) or item.file
    return f"{where}: {what(item, language)} ({fix(item, language)})"
