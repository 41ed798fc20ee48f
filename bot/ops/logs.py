"""Log set-up of our services: plain text by default, one JSON object a line with
INTAKE_LOG_FORMAT=json, and a request id that follows one client turn.

The gateway gives every request a fresh random id (never the client's: a client could
otherwise plant ids). It travels to Rasa in the message metadata (``request_id``), to
the action server inside the tracker, and to the backend as ``X-Request-ID``; each
service puts it on its log lines. It identifies one turn, not a person or a
conversation: a new id for every message.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from contextvars import ContextVar
from datetime import datetime, timezone

HEADER = "X-Request-ID"
METADATA_KEY = "request_id"
_VALID = re.compile(r"^[a-f0-9]{16}$")
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def new_request_id() -> str:
    return secrets.token_hex(8)


def accept_request_id(value: object) -> str | None:
    """An id from another service of ours, if it has our shape (anything else is dropped)."""
    return value if isinstance(value, str) and _VALID.match(value) else None


def outgoing_headers() -> dict[str, str]:
    """The header that carries the current request id to the next service."""
    current = request_id.get()
    return {HEADER: current} if current else {}


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (as `request_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, service, logger, message, request id, error class."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", None):
            entry["request_id"] = record.request_id
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(service: str, log_format: str = "text", level: int = logging.INFO) -> None:
    """Root logging for one service. Plain text: like basicConfig. JSON: plain console
    handlers set before are replaced (others, e.g. a test's capture handler, stay)."""
    root = logging.getLogger()
    root.setLevel(level)
    if log_format != "json":
        logging.basicConfig(level=level, format=TEXT_FORMAT)
        for existing in root.handlers:
            existing.addFilter(RequestIdFilter())
    else:
        handler = logging.StreamHandler()
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(JsonFormatter(service))
        root.handlers[:] = [h for h in root.handlers if type(h) is not logging.StreamHandler] + [handler]
    for name in ("uvicorn", "uvicorn.error", "sanic.root", "sanic.error", "rasa_sdk"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True


def add_request_ids(app, trust_incoming: bool) -> None:
    """FastAPI middleware: a request id for each request (the caller's when trusted and
    well-formed: our own services), on every log line written while handling it.

    A plain ASGI middleware, not ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware
    runs the rest of the app in another task behind memory streams, ~1-4 ms per request on
    this machine (issue 17); the id is set in the request's own context all the same."""
    app.add_middleware(RequestIds, trust_incoming=trust_incoming)


class RequestIds:
    """ASGI: sets ``request_id`` for the duration of each HTTP request."""

    def __init__(self, app, trust_incoming: bool) -> None:
        self.app = app
        self.trust_incoming = trust_incoming

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        if self.trust_incoming:
            wanted = HEADER.lower().encode("latin-1")
            raw = next((value for name, value in scope.get("headers", []) if name.lower() == wanted), None)
            incoming = accept_request_id(raw.decode("latin-1")) if raw is not None else None
        token = request_id.set(incoming or new_request_id())
        try:
            await self.app(scope, receive, send)
        finally:
            request_id.reset(token)
