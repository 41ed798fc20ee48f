"""The console's own SQLite file (var/console.sqlite3, mode 0600): accounts, sessions,
sign-in failures, change history, the "learn" list, go-live records and the access audit.

One short-lived connection per call: SQLite serialises writers itself, and the console
is a small single-process service.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
    unit TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL,
    created_at REAL NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT NOT NULL,
    summary TEXT NOT NULL, files TEXT NOT NULL, diff TEXT NOT NULL,
    git_commit TEXT, reverts INTEGER, reverted_by INTEGER);
CREATE TABLE IF NOT EXISTS learn_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT, event_key TEXT UNIQUE NOT NULL, at REAL NOT NULL,
    language TEXT NOT NULL, masked_text TEXT NOT NULL, kind TEXT NOT NULL,
    guess TEXT, confidence REAL, status TEXT NOT NULL DEFAULT 'open',
    decided_by TEXT, decided_at REAL, decision TEXT);
CREATE TABLE IF NOT EXISTS learn_cursor (source TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS golive (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT NOT NULL,
    kind TEXT NOT NULL, model TEXT NOT NULL, previous TEXT);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT NOT NULL,
    unit TEXT, action TEXT NOT NULL, case_number TEXT, ok INTEGER NOT NULL);
"""


class Store:
    """Access to var/console.sqlite3; creates it (owner-only) on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Password hashes and session tokens live here: readable by the owner only.
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        with self.connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self):
        """A connection inside one transaction (committed on success, rolled back on error)."""
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    def audit(self, user: str, action: str, *, unit: str | None = None, case_number: str | None = None, ok: bool = True) -> None:
        """One row of the console's access log (who looked at or changed what); no personal data."""
        with self.connect() as db:
            db.execute("INSERT INTO audit (at, user, unit, action, case_number, ok) VALUES (?, ?, ?, ?, ?, ?)",
                       (time.time(), user, unit, action, case_number, int(ok)))
