"""The Telegram bridge's routes on the gateway: authenticated, never public.

The bridge names a conversation by its chat id, proven by the shared service token
(``X-Internal-Token``); the gateway derives the internal id ``tg-`` + keyed hash
(bot/gateway/identity.py). No public route can reach a ``tg-`` conversation: a public
client's sender is always hashed into the ``web-`` space. A reverse proxy should not
forward ``/internal/`` at all; the token check stands even when it does.

    POST /internal/telegram/messages          {"chat_id", "message", "metadata"}
    POST /internal/telegram/uploads           multipart: chat_id, file, language
    GET  /internal/telegram/downloads/<token> header X-Telegram-Chat: <chat id>
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from bot.gateway.chat import channel_metadata, converse
from bot.gateway.downloads import confirmation_pdf
from bot.gateway.identity import conversation_key, telegram_conversation
from bot.gateway.uploads import Caller, parse_upload, receive_upload

# Telegram chat ids are integers of at most 52 bits (negative for groups).
CHAT_ID_PATTERN = r"-?[0-9]{1,16}"


async def internal_caller(request: Request, x_internal_token: str = Header("")) -> None:
    """Only our own services hold the token; everyone else gets a bare 404."""
    expected = request.app.state.settings.internal_token
    if not expected or not hmac.compare_digest(x_internal_token.encode(), expected.encode()):
        raise HTTPException(status_code=404)


router = APIRouter(prefix="/internal/telegram", dependencies=[Depends(internal_caller)], include_in_schema=False)


class TelegramMessage(BaseModel):
    chat_id: int
    message: str = Field(max_length=1_000_000)
    metadata: dict[str, Any] = Field(default_factory=dict)


def _conversation(request: Request, chat_id: int | str) -> str:
    return telegram_conversation(conversation_key(request.app.state.settings), chat_id)


@router.post("/messages")
async def telegram_message(message: TelegramMessage, request: Request) -> JSONResponse:
    """One message of a Telegram chat; answers as the public chat API does."""
    return await converse(request, _conversation(request, message.chat_id), str(message.chat_id),
                          message.message, channel_metadata(message.metadata, "telegram"))


@router.post("/uploads")
async def telegram_upload(request: Request) -> JSONResponse:
    """A file sent in a Telegram chat (it may open the conversation: the chat is proven)."""
    parsed = await parse_upload(request, "chat_id")
    if isinstance(parsed, JSONResponse):
        return parsed
    if not _is_chat_id(parsed.identity):
        return JSONResponse({"accepted": False, "code": "bad_request", "upload": None, "messages": []},
                            status_code=400)
    caller = Caller(_conversation(request, parsed.identity), parsed.identity, must_be_live=False)
    return await receive_upload(request, caller, parsed)


@router.get("/downloads/{token}")
async def telegram_download(token: str, request: Request, x_telegram_chat: str = Header("")) -> Response:
    """The confirmation PDF of a Telegram chat's conversation."""
    conversation_id = _conversation(request, x_telegram_chat) if _is_chat_id(x_telegram_chat) else None
    return await confirmation_pdf(request, token, conversation_id)


def _is_chat_id(value: str) -> bool:
    return re.fullmatch(CHAT_ID_PATTERN, value or "") is not None
