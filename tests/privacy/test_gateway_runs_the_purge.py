"""The gateway runs the tracker purge when it starts (and then every few minutes)."""

from __future__ import annotations

import json
import sqlite3
import time

from fastapi.testclient import TestClient

from bot.config import Settings
from bot.gateway.app import create_app

# Rasa 3.6's table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent).
EVENTS_TABLE = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),
    action_name VARCHAR(255), data TEXT)"""


def _store(path, rows) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(EVENTS_TABLE)
        conn.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)", rows)
    conn.close()


def test_the_gateway_purges_old_conversations_at_start(tmp_path):
    now = time.time()
    text = json.dumps({"event": "user", "text": "Ich heiße Zofia Quellmann"})
    _store(tmp_path / "tracker.sqlite3", [("old", "user", now - 7200, text), ("new", "user", now - 60, text)])
    settings = Settings(var_dir=tmp_path, tracker_retention_s=3600, rasa_url="http://127.0.0.1:9")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            conn = sqlite3.connect(tmp_path / "tracker.sqlite3")
            senders = {row[0] for row in conn.execute("SELECT sender_id FROM events")}
            conn.close()
            if senders == {"new"}:
                break
            time.sleep(0.1)
    assert senders == {"new"}


def test_a_missing_tracker_store_is_not_created(tmp_path):
    settings = Settings(var_dir=tmp_path, rasa_url="http://127.0.0.1:9")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        time.sleep(0.3)
    assert not (tmp_path / "tracker.sqlite3").exists()
