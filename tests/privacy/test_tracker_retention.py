"""Tracker retention on Rasa's real SQL tracker store, filled by real conversations."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest

from bot.privacy.purge import main as purge_main
from bot.privacy.purge import purge_trackers
from tests.e2e.chat import Chat, internal_id

pytestmark = pytest.mark.slow
DAY_S = 24 * 3600


def _snapshot(source, target) -> None:
    """A consistent copy of the live tracker database: SQLite's backup, which includes the
    write-ahead log (the tracker store runs in WAL mode; a file copy would miss recent turns)."""
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _events(path, sender: str) -> list[tuple[str, float]]:
    """(type_name, timestamp) of one conversation's rows, in order."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type_name, timestamp FROM events WHERE sender_id = ? ORDER BY id",
                            (sender,)).fetchall()
    finally:
        conn.close()


def _begin_enquiry(stack) -> Chat:
    """A conversation that has told the assistant a name (personal data in the tracker)."""
    chat = Chat(stack.gateway_url, language="en")
    chat.say("/enquiry_other")
    chat.say("Zofia Retentiontest")
    assert "date of birth" in chat.text, chat.text
    return chat


def test_inactive_conversations_are_deleted_and_active_ones_kept(stack, tmp_path):
    old, recent = _begin_enquiry(stack), _begin_enquiry(stack)
    copy = tmp_path / "tracker.sqlite3"
    _snapshot(stack.var_dir / "tracker.sqlite3", copy)
    url = f"sqlite:///{copy}"
    last_of_old = _events(copy, internal_id(stack.var_dir, old.sender))[-1][1]
    first_of_recent = _events(copy, internal_id(stack.var_dir, recent.sender))[0][1]
    assert last_of_old < first_of_recent

    # Within the retention time it stays (older conversations of earlier tests may go).
    purge_trackers(url, DAY_S, now=last_of_old + DAY_S - 60)
    assert _events(copy, internal_id(stack.var_dir, old.sender))
    # The cutoff between the two conversations: the older one goes entirely, the newer stays.
    cutoff = (last_of_old + first_of_recent) / 2
    result = purge_trackers(url, DAY_S, now=cutoff + DAY_S)
    assert result.conversations_deleted >= 1
    assert _events(copy, internal_id(stack.var_dir, old.sender)) == []
    assert len(_events(copy, internal_id(stack.var_dir, recent.sender))) > 10


def test_old_sessions_of_an_active_conversation_go_and_the_current_session_stays(stack, tmp_path):
    chat = _begin_enquiry(stack)
    chat.say("/session_start")  # a new session, as after two hours of inactivity
    chat.say("Hallo")
    copy = tmp_path / "tracker.sqlite3"
    _snapshot(stack.var_dir / "tracker.sqlite3", copy)
    rows = _events(copy, internal_id(stack.var_dir, chat.sender))
    starts = [ts for kind, ts in rows if kind == "session_started"]
    assert len(starts) >= 2, rows
    # Pretend the first session happened two days ago.
    conn = sqlite3.connect(copy)
    with conn:
        conn.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ? AND timestamp < ?",
                     (2 * DAY_S, internal_id(stack.var_dir, chat.sender), starts[-1]))
    conn.close()
    result = purge_trackers(f"sqlite:///{copy}", DAY_S)
    assert result.conversations_deleted == 0  # every conversation in the copy is recent
    kept = _events(copy, internal_id(stack.var_dir, chat.sender))
    assert kept and min(ts for _, ts in kept) >= starts[-1]  # the session Rasa loads is whole
    assert result.old_session_events_deleted == len(rows) - len(kept)


def test_a_purged_conversation_starts_afresh_in_the_running_assistant(stack, monkeypatch, capsys):
    purged = _begin_enquiry(stack)
    time.sleep(1.5)
    kept = _begin_enquiry(stack)
    first_of_kept = _events(stack.var_dir / "tracker.sqlite3", internal_id(stack.var_dir, kept.sender))[0][1]
    # The command-line job on the live store, with a retention that reaches just the older
    # one (and the finished conversations of earlier tests, which nobody continues).
    monkeypatch.delenv("INTAKE_TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setenv("INTAKE_VAR_DIR", str(stack.var_dir))
    monkeypatch.setenv("INTAKE_TRACKER_RETENTION_S", str(int(time.time() - first_of_kept) + 1))
    from bot.config import get_settings

    get_settings.cache_clear()
    try:
        assert purge_main([]) == 0
    finally:
        get_settings.cache_clear()
    assert "conversation(s)" in capsys.readouterr().out
    assert _events(stack.var_dir / "tracker.sqlite3", internal_id(stack.var_dir, purged.sender)) == []

    tracker = httpx.get(f"{stack.rasa_url}/conversations/{internal_id(stack.var_dir, purged.sender)}/tracker",
                        params={"token": stack.settings.rasa_token}, timeout=30).json()
    assert tracker["slots"].get("given_names") is None and tracker["slots"].get("concern") is None
    kept.say("14.07.1983")  # the newer conversation continues where it was
    assert "nationality" in kept.text, kept.text
