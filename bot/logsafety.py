"""Logging every Python service shares: INFO in one format, and no secrets from libraries.

Libraries log more than our own code does: httpx and httpcore log each request's URL
at INFO (download tokens, conversation ids in query strings, the Telegram bot token in
every Bot API URL), uvicorn's access log prints request paths (``/downloads/<token>``).
Those loggers are raised to WARNING; our own log lines name conversations only by keyed
references, never by id, token or personal data (tests/attacks scans every log).
"""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that would write URLs, paths or per-glyph noise at INFO.
QUIET_LOGGERS = ("httpx", "httpcore", "uvicorn.access", "fontTools", "sanic.access")


def quiet_libraries() -> None:
    """Raise the chatty library loggers to WARNING (safe to call more than once)."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(level: int = logging.INFO, service: str = "", log_format: str = "text") -> None:
    """The root logger for one service process, with the library loggers quieted;
    log_format "json" writes one JSON object a line with the turn's request id (bot/ops/logs.py)."""
    from bot.ops.logs import configure_logging as configure_root

    configure_root(service, log_format, level)
    quiet_libraries()
