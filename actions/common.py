"""Small helpers every action uses: the client's language and the label tables."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml
from rasa_sdk import Tracker

from bot.config import CONTENT_DIR
from bot.fields import load_registry

SKIPPED = "__skipped__"  # slot value of an optional field the client chose to skip


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "de"


@lru_cache
def labels() -> dict[str, Any]:
    return yaml.safe_load((CONTENT_DIR / "labels.yml").read_text(encoding="utf-8"))


def label(section: str, key: str, language: str) -> str:
    if section == "fields" and (text := load_registry().label(key, language)):
        return text  # a field's label is in its entry of content/fields.yml
    entry = labels()[section].get(key) or {}
    return entry.get(language) or entry.get("de") or key


def button(section: str, key: str, language: str, payload: str) -> dict[str, str]:
    return {"title": label(section, key, language), "payload": payload}


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()
