"""No personal value from a conversation reaches the console: masked before it is stored or shown.

The tracker store is a real SQLite file in Rasa's schema (table ``events``) with events
shaped as Rasa 3.6 writes them; the browser test reads the real Rasa's store.
"""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import create_engine, text

from bot.console import learning
from bot.console.masking import mask

PERSONAL = {
    "name": ("Ayşe", "Yılmaz", "Jonathan", "Smithers"),
    "email": ("ayse.yilmaz@example.org",),
    "phone": ("+49 170 1234567", "030 90269-0"),
    "date": ("03.03.1990", "3 March 1991"),
    "case": ("LEA-2026-000042", "LEA-2026-7KQM-XR4W", "7KQM"),
    "serial": ("Y12345678",),
}
MESSAGES = [
    ("de", "Ich heiße Ayşe Yılmaz, geboren am 03.03.1990, wann darf ich mein Auto im Hof parken? ayse.yilmaz@example.org"),
    ("en", "my name is Jonathan Smithers, born 3 March 1991, call me on +49 170 1234567 about parking"),
    ("de", "Stand von LEA-2026-000042 bitte, Telefon 030 90269-0"),
    ("en", "my card Y12345678 is gone, can Jonathan park there"),
    ("de", "wie ist der Stand von lea 2026 7kqm xr4w"),
    ("en", "status of LEA-2026-7KQM-XR4W please"),
]


def values():
    return [v for group in PERSONAL.values() for v in group]


@pytest.mark.parametrize("language,message", MESSAGES)
def test_mask_removes_every_personal_value(language, message):
    masked = mask(message, language)
    for value in values():
        assert value not in masked
        for part in value.split():
            if len(part) > 3 and part in message:
                assert part not in masked, f"{part!r} left in {masked!r}"


def test_mask_keeps_the_question():
    assert mask("Wo kann ich vor dem Amt parken?", "de") == "Wo kann ich vor dem Amt parken?"
    assert "parking" in mask("my name is Jonathan Smithers, where is parking", "en")


def _tracker(path, messages):
    """A tracker store with one conversation per message, each answered by the fallback."""
    engine = create_engine(f"sqlite:///{path}")
    now = time.time() - 60
    with engine.begin() as db:
        db.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, sender_id VARCHAR(255) NOT NULL, "
                        "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                        "action_name VARCHAR(255), data TEXT)"))
        for number, (language, message) in enumerate(messages):
            sender = f"conversation-{number}-ayse.yilmaz@example.org"
            user = {"event": "user", "timestamp": now, "text": message, "metadata": {"language": language},
                    "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3},
                                   "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3},
                                                      {"name": "faq_appointments", "confidence": 0.21}]}}
            events = [("user", user), ("slot", {"event": "slot", "name": "language", "value": language}),
                      ("action", {"event": "action", "name": "action_two_stage_fallback"}),
                      ("bot", {"event": "bot", "text": "Meinten Sie …", "metadata": {"utter_action": "utter_ask_affirmation"}})]
            for kind, data in events:
                db.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                           {"s": sender, "t": kind, "ts": now, "d": json.dumps(data)})
    engine.dispose()


def test_no_personal_value_appears_in_the_console(console, editor):
    state = console.state.console
    var = state.settings.var_dir
    var.mkdir(parents=True, exist_ok=True)
    _tracker(var / "tracker.sqlite3", MESSAGES)
    page = editor.get("/learn").text
    assert page.count('class="learn-item"') == len(MESSAGES)
    assert "faq_appointments" in page and "21 %" in page and "did you mean" in page
    for value in values() + ["conversation-"]:
        assert value not in page
    with state.store.connect() as db:
        stored = json.dumps([dict(r) for r in db.execute("SELECT * FROM learn_items")])
    for value in values() + ["conversation-"]:
        assert value not in stored
    assert "[e-mail]" in page and "[case number]" in page and "[date]" in page


def test_read_again_nothing_is_doubled_and_old_entries_expire(console, editor):
    state = console.state.console
    state.settings.var_dir.mkdir(parents=True, exist_ok=True)
    _tracker(state.settings.var_dir / "tracker.sqlite3", MESSAGES[:1])
    assert learning.sync(state.store, state.settings) == 1
    assert learning.sync(state.store, state.settings) == 0
    with state.store.connect() as db:
        db.execute("UPDATE learn_items SET at = at - 40 * 86400")
    learning.sync(state.store, state.settings)
    assert learning.open_items(state.store) == []


def test_similar_messages_are_grouped():
    items = [{"masked_text": t} for t in ("wo kann ich parken", "wo kann ich hier parken", "what is the fee for kids")]
    groups = learning.grouped(items)
    assert [len(g) for g in groups] == [2, 1]


def test_a_message_with_markup_is_shown_as_text(console, editor):
    state = console.state.console
    state.settings.var_dir.mkdir(parents=True, exist_ok=True)
    _tracker(state.settings.var_dir / "tracker.sqlite3", [("en", "<script>alert(1)</script> parking?")])
    page = editor.get("/learn").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


@pytest.mark.parametrize("action", ["action_route_message", "action_converse"])
def test_a_question_answered_only_with_the_menu_counts_as_not_understood(action):
    user = {"event": "user", "parse_data": {"intent": {"name": "inform", "confidence": 0.99}}}
    turn = [{"event": "action", "name": action}, {"event": "bot", "metadata": {"utter_action": "utter_menu"}}]
    assert learning.classify(user, turn) == "not understood"
    asked = {"event": "user", "parse_data": {"intent": {"name": "show_menu", "confidence": 0.9}}}
    assert learning.classify(asked, turn) is None
