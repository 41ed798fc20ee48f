"""Checks shared by the end-to-end answer tests."""

from __future__ import annotations

import re

from bot.language import language_scores
from tests.e2e.chat import Chat

# An invented duration or legal promise would look like this in an honest-fallback answer.
INVENTED = re.compile(r"\b\d+\s*(?:wochen|monate|tage|weeks|months|days)\b|\bja, (?:sie|du) d(?:ü|ue)rf|\byes, you (?:can|may)\b",
                      re.IGNORECASE)


def assert_in_language(chat: Chat, language: str) -> None:
    """Every message of the last reply is written in `language` (German or English)."""
    assert chat.last, "the assistant sent nothing"
    for message in chat.last:
        text = message.get("text") or ""
        if not text:
            continue
        scores = language_scores(text)
        other = "en" if language == "de" else "de"
        assert scores[language] > scores[other], f"not in {language}: {text!r}"


def assert_contains_all(text: str, words: list[str]) -> None:
    """Each word occurs in the text (case-insensitive), naming the missing ones."""
    missing = [w for w in words if w.lower() not in text.lower()]
    assert not missing, f"missing {missing} in {text!r}"


def payloads(chat: Chat) -> list[str]:
    """The payloads of the buttons the assistant just showed."""
    return [b["payload"] for b in chat.buttons]
