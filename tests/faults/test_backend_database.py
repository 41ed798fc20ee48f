"""The backend's SQLite database is locked or full during a submission: a clear error, no half case.

Unit level (the backend app in-process on its own SQLite file): a second connection
holds the write lock, or the file may not grow any more (``max_page_count``, which
is how SQLite reports a full disk). The action server treats the 5xx as "try again"
and keeps the case in its outbox (tests/faults/test_backend_down.py).
"""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

import bot.backend.db
from bot.backend.app import create_app
from tests.backend.conftest import INTERNAL, STAFF_TOKENS, submission
from tests.backend.helpers import counts

LOCK_WAIT_MS = 300


@pytest.fixture
def backend(tmp_path, monkeypatch):
    """The backend on a fresh SQLite file with a short busy timeout (the real one waits 15 s)."""
    import json

    from bot.config import Settings

    monkeypatch.setattr(bot.backend.db, "SQLITE_BUSY_TIMEOUT_MS", LOCK_WAIT_MS)
    path = tmp_path / "backend.sqlite3"
    settings = Settings(var_dir=tmp_path / "var", backend_database_url=f"sqlite:///{path}",
                        internal_token=INTERNAL["X-Internal-Token"], staff_tokens=json.dumps(STAFF_TOKENS))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, path


def _submit(client, body):
    return client.post("/internal/cases", json=body, headers=INTERNAL)


def _assert_clear_server_error(response) -> None:
    """5xx (so the sender retries), with a JSON error naming the cause in both languages."""
    assert response.status_code == 503, (response.status_code, response.text)
    body = response.json()
    assert body["error"] == "busy" and body["message"]["de"] and body["message"]["en"]


def test_a_locked_database_gives_a_clear_error_and_no_half_written_case(backend):
    client, path = backend
    ctx = client.app.state.ctx
    body = submission()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = _submit(client, body)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_clear_server_error(response)
    assert counts(ctx) == {"cases": 0, "case_entries": 0, "uploads": 0}
    # The sender's retry with the same idempotency key stores the case once.
    assert _submit(client, body).json()["status"] == "created"
    assert _submit(client, body).json()["status"] == "existing"
    assert counts(ctx)["cases"] == 1


def test_a_full_database_gives_a_clear_error_and_no_half_written_case(backend, caplog):
    client, _path = backend
    ctx = client.app.state.ctx

    def no_growth(dbapi_connection, _record) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    ctx.engine.dispose()
    event.listen(ctx.engine, "connect", no_growth)
    # A case is small (its PDF is stored after the commit), so the free room left in
    # the file's pages may still take one or two: submit different people until the
    # file is full, then check the refused one left nothing behind.
    for attempt in range(20):
        before = counts(ctx)
        response = _submit(client, submission(
            given_names="X" * 100, family_name=f"Full{attempt}", message="Y" * 2000,
            date_of_birth=f"19{50 + attempt}-01-01"))
        if response.status_code != 201:
            break
    else:
        pytest.fail("the database never filled up")
    _assert_clear_server_error(response)
    assert "database or disk is full" in caplog.text
    assert "Amira" not in caplog.text and "amira@example.org" not in caplog.text
    event.remove(ctx.engine, "connect", no_growth)
    ctx.engine.dispose()
    assert counts(ctx) == before
