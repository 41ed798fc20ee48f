"""Client messages the assistant did not understand, read from Rasa's tracker store.

Rasa already records every turn (table ``events``): the message, the NLU's guess and
ranking, and what the assistant did. The console reads new events from there (read
only), keeps for each failed message only its *masked* text, language, the guess and
its confidence, and forgets the conversation: no sender id, no raw text, no other event.

A message counts when the NLU fell back (``nlu_fallback``), the assistant asked "did
you mean ...", gave its last-stage fallback, or said it has no information (out of
scope, a question the sources do not cover). Button clicks ("/intent") are skipped.
Entries are deleted after ``console_learn_retention_days``, decided or not.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass

from sqlalchemy import create_engine, inspect, text

from bot.config import Settings
from bot.console.masking import mask
from bot.console.store import Store

# Rasa saves a turn's events in one transaction once the turn is handled, so every
# turn read here is complete: no settling time is needed.
KINDS = {
    "action_default_ask_affirmation": "did you mean",
    "utter_ask_affirmation": "did you mean",
    "action_default_fallback": "not understood",
    "utter_default": "not understood",
    "utter_ask_rephrase": "not understood",
    "utter_no_answer": "no information",
    "utter_out_of_scope": "no information",
}
NO_INFORMATION_INTENTS = {"out_of_scope", "faq_not_covered"}


@dataclass
class Failed:
    event_key: str
    at: float
    language: str
    masked_text: str
    kind: str
    guess: str | None
    confidence: float | None


def tracker_url(settings: Settings) -> str:
    return settings.tracker_database_url or f"sqlite:///{settings.var_dir / 'tracker.sqlite3'}"


def _guess(parse: dict) -> tuple[str | None, float | None]:
    """The classifier's best real intent (past the fallback) and its confidence."""
    for entry in parse.get("intent_ranking") or [parse.get("intent") or {}]:
        if entry.get("name") and entry["name"] != "nlu_fallback":
            return entry["name"], round(float(entry.get("confidence") or 0.0), 3)
    return None, None


def classify(user: dict, following: list[dict]) -> str | None:
    """Why a turn counts as failed, or None when the assistant understood it."""
    intent = ((user.get("parse_data") or {}).get("intent") or {}).get("name")
    names = [event.get("name") if event.get("event") == "action" else (event.get("metadata") or {}).get("utter_action")
             for event in following]
    for name in names:
        if name in KINDS:
            return KINDS[name]
    if "action_route_message" in names and "utter_menu" in names:
        return "not understood"  # taken for data outside an enquiry: the client got only the menu
    if intent == "nlu_fallback":
        return "not understood"
    if intent in NO_INFORMATION_INTENTS:
        return "no information"
    return None


def _language(user: dict, following: list[dict]) -> str:
    for event in reversed(following):
        if event.get("event") == "slot" and event.get("name") == "language" and event.get("value") in ("de", "en"):
            return event["value"]
    # The widget's page language, or the Telegram user's, as the channel sent it.
    hint = (user.get("metadata") or {}).get("language")
    return hint if hint in ("de", "en") else "de"


def read_failed(url: str, after_id: int) -> tuple[list[Failed], int]:
    """Failed messages in events with id > after_id; and the id to continue from next time."""
    engine = create_engine(url)
    try:
        if engine.url.get_backend_name() == "sqlite" and not __import__("os").path.exists(engine.url.database or ""):
            return [], after_id
        if not inspect(engine).has_table("events"):
            return [], after_id
        with engine.connect() as db:
            rows = db.execute(text("SELECT id, sender_id, type_name, timestamp, data FROM events WHERE id > :after "
                                   "ORDER BY sender_id, id"), {"after": after_id}).fetchall()
    finally:
        engine.dispose()
    failed, last = [], after_id
    by_sender: dict[str, list] = {}
    for row in rows:
        by_sender.setdefault(row.sender_id, []).append(row)
        last = max(last, row.id)
    for sender, events in by_sender.items():
        failed.extend(_failed_in(sender, events))
    return failed, last


def _failed_in(sender: str, rows: list) -> list[Failed]:
    found = []
    parsed = [(row, json.loads(row.data)) for row in rows]
    for i, (row, event) in enumerate(parsed):
        if row.type_name != "user" or str(event.get("text") or "").startswith("/"):
            continue
        following = []
        for _, later in parsed[i + 1:]:
            if later.get("event") == "user":
                break
            following.append(later)
        kind = classify(event, following)
        if kind is None:
            continue
        language = _language(event, following)
        guess, confidence = _guess(event.get("parse_data") or {})
        # The key only recognises the event again; it cannot be turned back into the conversation id.
        key = hashlib.sha256(f"{sender}\0{row.id}".encode()).hexdigest()
        found.append(Failed(key, row.timestamp, language, mask(str(event.get("text") or ""), language)[:500],
                            kind, guess, confidence))
    return found


def sync(store: Store, settings: Settings) -> int:
    """Copy new failed messages (masked) into the console's list and apply retention; how many were new."""
    with store.connect() as db:
        row = db.execute("SELECT last_id FROM learn_cursor WHERE source = 'tracker'").fetchone()
    failed, last = read_failed(tracker_url(settings), row["last_id"] if row else 0)
    cutoff = time.time() - settings.console_learn_retention_days * 86400
    with store.connect() as db:
        added = 0
        for item in failed:
            added += db.execute(
                "INSERT OR IGNORE INTO learn_items (event_key, at, language, masked_text, kind, guess, confidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (item.event_key, item.at, item.language, item.masked_text, item.kind, item.guess, item.confidence)).rowcount
        db.execute("INSERT INTO learn_cursor (source, last_id) VALUES ('tracker', ?) "
                   "ON CONFLICT(source) DO UPDATE SET last_id = excluded.last_id", (last,))
        db.execute("DELETE FROM learn_items WHERE at < ?", (cutoff,))
    return added


def _shingles(sentence: str) -> set[str]:
    letters = re.sub(r"\[[^\]]*\]|[^\w ]", " ", sentence.lower())
    words = " ".join(letters.split())
    return {words[i:i + 3] for i in range(max(1, len(words) - 2))}


def grouped(items: list[dict], threshold: float = 0.45) -> list[list[dict]]:
    """Similar messages together (character-trigram overlap), biggest group first."""
    groups: list[tuple[set[str], list[dict]]] = []
    for item in items:
        shingles = _shingles(item["masked_text"])
        for seed, members in groups:
            union = seed | shingles
            if union and len(seed & shingles) / len(union) >= threshold:
                members.append(item)
                break
        else:
            groups.append((shingles, [item]))
    return sorted((members for _, members in groups), key=len, reverse=True)


def open_items(store: Store) -> list[dict]:
    with store.connect() as db:
        return [dict(r) for r in db.execute("SELECT * FROM learn_items WHERE status = 'open' ORDER BY at DESC LIMIT 500")]


def decide(store: Store, item_id: int, user: str, status: str, decision: str) -> None:
    """Record what became of a message (example, new question, dismissed) and by whom."""
    with store.connect() as db:
        db.execute("UPDATE learn_items SET status = ?, decided_by = ?, decided_at = ?, decision = ? WHERE id = ?",
                   (status, user, time.time(), decision, item_id))


def item(store: Store, item_id: int) -> dict | None:
    with store.connect() as db:
        row = db.execute("SELECT * FROM learn_items WHERE id = ?", (item_id,)).fetchone()
    return dict(row) if row else None
