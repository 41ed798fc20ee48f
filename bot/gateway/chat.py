"""The public chat API: Rasa's REST channel shape at POST /webhooks/rest/webhook.

The client's ``sender`` never leaves the gateway: Rasa sees the keyed internal id
(bot/gateway/identity.py) and every answer goes back addressed to the client's own
``sender`` (Rasa's ``recipient_id`` would be the internal id).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.config import CONTENT_DIR
from bot.gateway.conversation import MAX_MESSAGE_CHARS, AssistantUnavailable, clean_text, is_reserved
from bot.gateway.identity import acceptable_sender, conversation_key, web_conversation
from bot.language import normalise_language_code

log = logging.getLogger(__name__)
router = APIRouter(tags=["chat"])


class ChatMessage(BaseModel):
    # Checked by acceptable_sender (a bilingual 400, not a schema error); the cap only
    # keeps absurd values out.
    sender: str = Field(max_length=1000)
    # Long messages get a friendly notice (below), not a schema error; only absurd
    # sizes are refused outright.
    message: str = Field(max_length=1_000_000)
    metadata: dict[str, Any] = Field(default_factory=dict)


@lru_cache
def texts() -> dict[str, dict[str, str]]:
    return yaml.safe_load((CONTENT_DIR / "gateway.yml").read_text(encoding="utf-8"))


def notice_text(key: str, **values: Any) -> str:
    """A gateway message in both languages (the conversation's language may be unknown)."""
    entry = texts()[key]
    return f"{entry['de'].format(**values)}\n\n{entry['en'].format(**values)}"


def notice(recipient: str, key: str, **values: Any) -> list[dict[str, Any]]:
    """The notice as the REST channel's answer to ``recipient``."""
    return [{"recipient_id": recipient, "text": notice_text(key, **values)}]


def invalid_sender() -> JSONResponse:
    """400 for a guessable or malformed sender; the value is not echoed."""
    return JSONResponse({"error": "invalid_sender", "detail": notice_text("invalid_sender")}, status_code=400)


def addressed_to(recipient: str, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's answers with recipient_id set to the client's own id (never the internal one)."""
    return [{**answer, "recipient_id": recipient} for answer in answers if isinstance(answer, dict)]


def channel_metadata(metadata: dict[str, Any], default_channel: str) -> dict[str, Any]:
    """Only the metadata the assistant uses, bounded (never a client's own "source")."""
    return {
        "channel": str(metadata.get("channel") or default_channel)[:20],
        "language": normalise_language_code(str(metadata.get("language") or "")) or None,
    }


async def converse(request: Request, conversation_id: str, recipient: str, message: str,
                   metadata: dict[str, Any]) -> JSONResponse:
    """One turn of an already identified conversation (web or Telegram)."""
    text = clean_text(message)
    if not text:
        return JSONResponse(notice(recipient, "empty_message"))
    if len(text) > MAX_MESSAGE_CHARS:
        return JSONResponse(notice(recipient, "message_too_long", max_chars=MAX_MESSAGE_CHARS))
    if is_reserved(text):
        # Only the gateway reports uploads; a client typing it is treated as plain text.
        text = text.lstrip("/")
    try:
        answers = await request.app.state.conversation.send(conversation_id, text, metadata)
    except AssistantUnavailable as exc:
        log.warning("chat: assistant unavailable (%s)", exc)
        return JSONResponse(notice(recipient, "service_unavailable"), status_code=503)
    if not answers:  # Rasa stopped without a word (its action limit): never leave a client unanswered
        log.warning("chat: the assistant sent no answer")
        return JSONResponse(notice(recipient, "no_answer"))
    return JSONResponse(addressed_to(recipient, answers))


@router.post("/webhooks/rest/webhook")
async def chat(message: ChatMessage, request: Request) -> JSONResponse:
    """Send one message; returns the assistant's answers as a list of messages."""
    if not acceptable_sender(message.sender):
        return invalid_sender()
    conversation_id = web_conversation(conversation_key(request.app.state.settings), message.sender)
    metadata = channel_metadata(message.metadata, "rest")
    limits = getattr(request.app.state, "limits", None)
    source = limits.source_of(request.scope) if limits is not None else ""
    if source:  # a keyed hash of the client's address: wrong follow-up keys are counted per source
        metadata["source"] = source
    return await converse(request, conversation_id, message.sender, message.message, metadata)
