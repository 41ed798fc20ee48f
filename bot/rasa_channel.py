"""Rasa's REST channel for the gateway only: every request must carry INTAKE_RASA_TOKEN.

Loaded by Rasa itself (credentials.yml names this class; it runs in .venv-rasa). Rasa's
``--auth-token`` guards only its HTTP API (`/status`, `/conversations/...`, `/model/...`),
not its channels: the stock REST channel `/webhooks/rest/webhook` answered anyone on the
host, under any sender, and so bypassed the gateway's identity rule and rate limits
(issue 12). This subclass is the stock channel (same URL, same name "rest", same
behaviour) behind a header check:

    X-Intake-Rasa-Token: <INTAKE_RASA_TOKEN>

A header, not a query parameter: URLs end up in access logs and error messages.
Compared in constant time; a missing or wrong token gets 401 and nothing else. Without a
configured token the channel refuses everything, except with INTAKE_ENV=development.

The turn's request id (bot/ops/logs.py; the gateway puts it in the message metadata) is
set for the time Rasa handles the message, and every line Rasa logs meanwhile ends with
`[request_id=<id>]` (its action-server errors, for one), so one grep finds a turn in
Rasa's log too. Rasa's log stays plain text (TensorFlow writes to it directly).
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput

from bot.ops.logs import METADATA_KEY, accept_request_id, request_id

log = logging.getLogger(__name__)
HEADER = "X-Intake-Rasa-Token"
_MARK = "_intake_request_id"


def tag_log_records_with_request_id() -> None:
    """Every log record created while a turn's request id is set gets it, at the end of its
    message (all of Rasa's handlers and formats; idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, _MARK, False):
        return

    def record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        current = request_id.get()
        record.request_id = current
        if current and isinstance(record.msg, str):
            record.msg = f"{record.msg} [request_id={current}]"  # an id of 16 hex digits: no % in it
        return record

    setattr(record_with_request_id, _MARK, True)
    logging.setLogRecordFactory(record_with_request_id)


def request_id_of(request: Request) -> Optional[str]:
    """The request id in a REST message's metadata, if it has our shape."""
    try:
        body = request.json
    except Exception:  # not JSON: the REST channel answers that itself
        return None
    metadata = body.get("metadata") if isinstance(body, dict) else None
    return accept_request_id(metadata.get(METADATA_KEY)) if isinstance(metadata, dict) else None


def token_accepted(expected: str, presented: str | None, development: bool = False) -> bool:
    """True when the presented token is the configured one (constant time)."""
    if not expected:
        return development
    return hmac.compare_digest((presented or "").encode("utf-8"), expected.encode("utf-8"))


class GatewayRestInput(RestInput):
    """The REST channel, answering only callers that present the gateway's token."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GatewayRestInput":
        return cls(str((credentials or {}).get("token") or "").strip())

    def __init__(self, token: str = "") -> None:
        self._token = token
        self._development = os.environ.get("INTAKE_ENV") == "development"
        if not token and not self._development:
            log.error("REST channel: INTAKE_RASA_TOKEN is not set; every chat request is refused")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        tag_log_records_with_request_id()

        @webhook.middleware("request")
        async def require_token(request: Request):
            if not token_accepted(self._token, request.headers.get(HEADER), self._development):
                return response.json({"error": "unauthorized"}, status=401)
            # Same task as the handler that runs the whole turn: set for its log lines.
            request_id.set(request_id_of(request))
            return None

        return webhook
