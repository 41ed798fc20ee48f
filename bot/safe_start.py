"""Safe start of every service: private files, no missing or placeholder secret.

Each service's main calls ``safe_start(settings, "gateway", "internal_token", ...)``
before it serves anything: files it creates are private (umask 077: 0600 files,
0700 directories under var/), and secrets are checked. A missing or publicly known token is a clear start-up error naming
the variable; ``INTAKE_ENV=development`` is the one explicit way to run with the
placeholder (a developer's machine, never a server).
"""

from __future__ import annotations

import os
import sys

from bot.config import DEV_INTERNAL_TOKEN, Settings

# Values seen in docs, examples and old defaults: anyone may know them.
PLACEHOLDERS = frozenset({
    DEV_INTERNAL_TOKEN, "dev-token", "changeme", "change-me", "secret", "token", "test", "password",
    "dev-rasa-token", "<token>", "...",
})
MIN_LENGTH = 16


class UnsafeSecret(RuntimeError):
    """A required secret is missing or a placeholder; the message names the variable."""


def problem(value: str) -> str | None:
    """Why a secret is unusable in production, or None when it is fine."""
    if not value.strip():
        return "is not set"
    if value.strip().lower() in PLACEHOLDERS:
        return "is a publicly known placeholder"
    if len(value.strip()) < MIN_LENGTH:
        return f"is shorter than {MIN_LENGTH} characters"
    return None


def require_secrets(settings: Settings, *names: str) -> None:
    """Raise UnsafeSecret unless every named secret is usable (development mode: always passes)."""
    if settings.env == "development":
        return
    for name in names:
        reason = problem(str(getattr(settings, name) or ""))
        if reason:
            variable = f"INTAKE_{name.upper()}"
            raise UnsafeSecret(
                f"{variable} {reason}. Set it to a long random value shared by the services "
                f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`); `make run` "
                f"generates one into var/secrets.env. Only INTAKE_ENV=development runs without it."
            )


def private_files() -> None:
    """Files and directories this process creates are readable by its user only."""
    os.umask(0o077)


def safe_start(settings: Settings, service: str, *names: str) -> None:
    """For a service's main: private files; print why and exit 2 when a secret is unusable."""
    private_files()
    try:
        require_secrets(settings, *names)
    except UnsafeSecret as error:
        print(f"{service}: refusing to start: {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


def private_dir(path: os.PathLike | str) -> None:
    """Create (or tighten) a directory to 0700, its missing parents likewise."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)


def open_private(path: os.PathLike | str, mode: str = "ab"):
    """Open a file for appending, created 0600 (and tightened to 0600 when it existed)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, mode)


def tighten_tree(root: os.PathLike | str) -> None:
    """Files under root 0600, directories 0700 (data written by older versions was 0644)."""
    if not os.path.isdir(root):
        return
    os.chmod(root, 0o700)
    for directory, subdirs, files in os.walk(root):
        for name in subdirs:
            os.chmod(os.path.join(directory, name), 0o700)
        for name in files:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                os.chmod(path, 0o600)
