"""Staff accounts: personal names, argon2 password hashes, roles `editor` and `unit`.

Created and changed only on the command line (`python -m bot.console users ...`), by
whoever operates the machine; the console itself has no sign-up.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.console.store import Store

ROLES = ("editor", "unit")
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verifying against this when the name is unknown costs the same time as a real check,
# so response time does not tell which account names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


class AccountError(ValueError):
    """The account cannot be created or changed; the message says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit: str | None

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"


def add_user(store: Store, name: str, password: str, role: str, unit: str | None = None) -> User:
    """Create one personal account; a `unit` account names its unit (e.g. B2)."""
    if not NAME.match(name):
        raise AccountError("the name must be 2-40 lowercase letters, digits, '.', '_' or '-' (e.g. anna.schmidt)")
    if role not in ROLES:
        raise AccountError(f"the role must be one of: {', '.join(ROLES)}")
    if role == "unit" and not (unit and re.fullmatch(r"[A-Z][A-Z0-9]{0,9}", unit)):
        raise AccountError("a unit account needs --unit with the unit's code as in content/routing.yml (e.g. B2)")
    if role == "editor" and unit:
        raise AccountError("an editor account has no unit")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    with store.connect() as db:
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AccountError(f"an account '{name}' exists already")
        db.execute("INSERT INTO users (name, password_hash, role, unit, created_at) VALUES (?, ?, ?, ?, ?)",
                   (name, _hasher.hash(password), role, unit, time.time()))
    return User(name, role, unit)


def set_password(store: Store, name: str, password: str) -> None:
    """Replace an account's password and end its sessions."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    with store.connect() as db:
        if not db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (_hasher.hash(password), name)).rowcount:
            raise AccountError(f"there is no account '{name}'")
        db.execute("DELETE FROM sessions WHERE user = ?", (name,))


def remove_user(store: Store, name: str) -> None:
    """Delete an account and its sessions (its history entries keep the name)."""
    with store.connect() as db:
        if not db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
            raise AccountError(f"there is no account '{name}'")
        db.execute("DELETE FROM sessions WHERE user = ?", (name,))


def list_users(store: Store) -> list[User]:
    with store.connect() as db:
        return [User(r["name"], r["role"], r["unit"]) for r in db.execute("SELECT * FROM users ORDER BY name")]


def get_user(store: Store, name: str) -> User | None:
    with store.connect() as db:
        row = db.execute("SELECT name, role, unit FROM users WHERE name = ?", (name,)).fetchone()
    return User(row["name"], row["role"], row["unit"]) if row else None


def check_password(store: Store, name: str, password: str) -> User | None:
    """The account when name and password match, else None (same cost either way)."""
    with store.connect() as db:
        row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row["name"], row["role"], row["unit"]) if row else None
