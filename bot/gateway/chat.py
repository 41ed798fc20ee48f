"""The public chat API: Rasa's REST channel shape at POST /webhooks/rest/webhook."""

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
from bot.language import normalise_language_code

log = logging.getLogger(__name__)
router = APIRouter(tags=["chat"])


class ChatMessage(BaseModel):
    sender: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@-]+$")
    # Long messages get a friendly notice (below), not a schema error; only absurd
    # sizes are refused outright.
    message: str = Field(max_length=1_000_000)
    metadata: dict[str, Any] = Field(default_factory=dict)


@lru_cache
def texts() -> dict[str, dict[str, str]]:
    return yaml.safe_load((CONTENT_DIR / "gateway.yml").read_text(encoding="utf-8"))


def notice(sender: str, key: str, **values: Any) -> list[dict[str, Any]]:
    """A gateway message in both languages (the conversation's language may be unknown)."""
    entry = texts()[key]
    text = f"{entry['de'].format(**values)}\n\n{entry['en'].format(**values)}"
    return [{"recipient_id": sender, "text": text}]


@router.post("/webhooks/rest/webhook")
async def chat(message: ChatMessage, request: Request) -> JSONResponse:
    """Send one message; returns the assistant's answers as a list of messages."""
    text = clean_text(message.message)
    if not text:
        return JSONResponse(notice(message.sender, "empty_message"))
    if len(text) > MAX_MESSAGE_CHARS:
        return JSONResponse(notice(message.sender, "message_too_long", max_chars=MAX_MESSAGE_CHARS))
    if is_reserved(text):
        # Only the gateway reports uploads; a client typing it is treated as plain text.
        text = text.lstrip("/")
    metadata = {
        "channel": str(message.metadata.get("channel") or "rest")[:20],
        "language": normalise_language_code(str(message.metadata.get("language") or "")) or None,
    }
    try:
        answers = await request.app.state.conversation.send(message.sender, text, metadata)
    except AssistantUnavailable as exc:
        log.warning("chat: assistant unavailable (%s)", exc)
        return JSONResponse(notice(message.sender, "service_unavailable"), status_code=503)
    return JSONResponse(answers)
