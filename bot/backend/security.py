"""Secrets of the backend: download tokens, verification codes, follow-up keys, staff unit tokens."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

# Crockford base32: no I, L, O, U, so a code read aloud or typed is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})
MIN_STAFF_TOKEN_LENGTH = 24


FOLLOW_UP_KEY_CHARS = 16  # 80 bits


def follow_up_key(secret: str, case_number: str, verification_code: str) -> str:
    """The case's follow-up key: XXXX-XXXX-XXXX-XXXX, 80 bits of HMAC-SHA256 under the backend's secret.

    What lets a client add to their case from another conversation. Unlike the verification
    code (printed on the PDF, which employers see), it is shown only in the chat of the
    conversation that opened the case. Derived, not stored: a copy of the database alone
    does not hold it, every case (also those older than the key) has one, and replacing
    INTAKE_FOLLOW_UP_SECRET withdraws them all.
    """
    if not secret:
        raise ValueError("no follow-up secret configured")
    message = f"follow-up\x1f{case_number}\x1f{verification_code}".encode("utf-8")
    number = int.from_bytes(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()[:10], "big")
    raw = "".join(CODE_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(FOLLOW_UP_KEY_CHARS)))
    return "-".join(raw[i:i + 4] for i in range(0, FOLLOW_UP_KEY_CHARS, 4))


def normalise_key(key: str) -> str | None:
    """Canonical form of a typed follow-up key, or None when it cannot be one."""
    raw = re.sub(r"[\s-]", "", key.upper()).translate(_CODE_FOLD)
    if len(raw) != FOLLOW_UP_KEY_CHARS or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, FOLLOW_UP_KEY_CHARS, 4))


class StaffTokenError(ValueError):
    """The staff token configuration is unusable; the message says why."""


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a random secret (they carry 256 bits, so no salt or stretching is needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_download_token() -> str:
    return secrets.token_urlsafe(32)


def new_verification_code() -> str:
    """Twelve random base32 characters as XXXX-XXXX-XXXX (60 bits, unrelated to the case)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str | None:
    """Canonical form of a typed verification code, or None when it cannot be one."""
    raw = re.sub(r"[\s-]", "", code.upper()).translate(_CODE_FOLD)
    if len(raw) != 12 or any(c not in CODE_ALPHABET for c in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class StaffAuth:
    """Maps a presented bearer token to its unit; only hashes are kept."""

    def __init__(self, token_hashes: dict[str, str]) -> None:
        self._hashes = dict(token_hashes)

    def unit_for(self, token: str) -> str | None:
        """The unit owning ``token``; compares against every unit in constant time."""
        presented = hash_secret(token)
        found = None
        for unit, expected in self._hashes.items():
            if hmac.compare_digest(presented, expected):
                found = unit
        return found


def load_staff_auth(configured: str, token_file: Path, units: list[str]) -> StaffAuth:
    """Staff tokens from the JSON setting, else from ``token_file`` (created with random tokens)."""
    tokens = _parse_configured(configured, units) if configured.strip() else _file_tokens(token_file, units)
    return StaffAuth({unit: hash_secret(token) for unit, token in tokens.items()})


def _parse_configured(configured: str, units: list[str]) -> dict[str, str]:
    try:
        tokens = json.loads(configured)
    except json.JSONDecodeError as exc:
        raise StaffTokenError("INTAKE_STAFF_TOKENS is not valid JSON (expected {\"unit\": \"token\"})") from exc
    if not isinstance(tokens, dict) or not all(isinstance(v, str) for v in tokens.values()):
        raise StaffTokenError("INTAKE_STAFF_TOKENS must be a JSON object mapping unit to token")
    for unit, token in tokens.items():
        if unit not in units:
            raise StaffTokenError(f"INTAKE_STAFF_TOKENS names unit '{unit}', which content/routing.yml does not list")
        if len(token) < MIN_STAFF_TOKEN_LENGTH:
            raise StaffTokenError(f"INTAKE_STAFF_TOKENS: the token of unit '{unit}' is shorter than {MIN_STAFF_TOKEN_LENGTH} characters")
    if len(set(tokens.values())) != len(tokens):
        raise StaffTokenError("INTAKE_STAFF_TOKENS: two units share a token")
    return tokens


def _file_tokens(token_file: Path, units: list[str]) -> dict[str, str]:
    """Read the token file; add random tokens for units that have none and say where once."""
    tokens: dict[str, str] = {}
    if token_file.exists():
        tokens = _parse_configured(token_file.read_text(encoding="utf-8"), units)
    missing = [u for u in units if u not in tokens]
    if missing:
        tokens.update({u: secrets.token_urlsafe(32) for u in missing})
        token_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(tokens, fh, indent=2)
        # Printed (not logged) so the path reaches the operator's terminal only.
        print(f"Staff tokens for {len(missing)} unit(s) written to {token_file}", flush=True)
    return tokens
