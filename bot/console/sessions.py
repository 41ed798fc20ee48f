"""Sign-in sessions, CSRF tokens and the sign-in rate limit.

The cookie carries a random token; the database keeps only its SHA-256, the user and
the session's CSRF token. Every form carries that CSRF token and every POST is checked
against it (SameSite=Strict on the cookie is the second line, not the only one).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from bot.console.accounts import User, get_user
from bot.console.store import Store

COOKIE = "console_session"
LOGIN_COOKIE = "console_login"  # CSRF token of the sign-in form (no session exists yet)
IDLE_TIMEOUT_S = 8 * 3600  # a working day
MAX_AGE_S = 12 * 3600
# Sign-in attempts: at most this many failures per account name and per client address.
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    token_hash: str


def open_session(store: Store, user: User) -> str:
    """A new session for the user; returns the cookie value."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with store.connect() as db:
        db.execute("INSERT INTO sessions (token_hash, user, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
                   (_digest(token), user.name, secrets.token_urlsafe(32), now, now))
    return token


def find_session(store: Store, token: str | None) -> Session | None:
    """The live session of a cookie value, or None (unknown, idle too long, too old, account gone)."""
    if not token or len(token) > 100:
        return None
    now = time.time()
    with store.connect() as db:
        row = db.execute("SELECT * FROM sessions WHERE token_hash = ?", (_digest(token),)).fetchone()
        if row is None:
            return None
        if now - row["last_seen"] > IDLE_TIMEOUT_S or now - row["created_at"] > MAX_AGE_S:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (row["token_hash"],))
            return None
        db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, row["token_hash"]))
    user = get_user(store, row["user"])
    return Session(user, row["csrf"], row["token_hash"]) if user else None


def close_session(store: Store, session: Session) -> None:
    with store.connect() as db:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", (session.token_hash,))


def csrf_ok(expected: str | None, presented: str | None) -> bool:
    """Constant-time comparison of the form's CSRF token with the session's."""
    return bool(expected and presented) and hmac.compare_digest(expected.encode(), presented.encode())


def too_many_failures(store: Store, *keys: str) -> bool:
    """True when any key (account name, client address) failed MAX_FAILURES times recently."""
    since = time.time() - FAILURE_WINDOW_S
    with store.connect() as db:
        db.execute("DELETE FROM login_failures WHERE at < ?", (since,))
        for key in keys:
            count = db.execute("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?", (key, since)).fetchone()[0]
            if count >= MAX_FAILURES:
                return True
    return False


def record_failure(store: Store, *keys: str) -> None:
    with store.connect() as db:
        db.executemany("INSERT INTO login_failures (key, at) VALUES (?, ?)", [(k, time.time()) for k in keys])


def clear_failures(store: Store, key: str) -> None:
    with store.connect() as db:
        db.execute("DELETE FROM login_failures WHERE key = ?", (key,))
