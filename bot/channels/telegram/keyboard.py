"""Buttons of the assistant as Telegram inline keyboards, within Telegram's 64-byte limit."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

# Telegram refuses callback_data over 64 bytes (UTF-8).
CALLBACK_DATA_LIMIT = 64
# Marks a short id standing for a longer payload; payloads starting with it are mapped too.
SHORT_ID_PREFIX = "~"
# Telegram limits a button's label; longer titles are cut with an ellipsis.
TITLE_LIMIT = 120


class CallbackPayloads:
    """Per-chat map of short ids for payloads too long for callback_data, bounded in size."""

    def __init__(self, per_chat: int = 200, chats: int = 10_000):
        self._per_chat = per_chat
        self._chats = chats
        self._maps: OrderedDict[int, OrderedDict[str, str]] = OrderedDict()

    def encode(self, chat_id: int, payload: str) -> str:
        """The callback_data for a payload: the payload itself when it fits, else a short id."""
        fits = len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT
        if fits and not payload.startswith(SHORT_ID_PREFIX):
            return payload
        short_id = SHORT_ID_PREFIX + secrets.token_urlsafe(9)
        chat_map = self._chat_map(chat_id)
        chat_map[short_id] = payload
        while len(chat_map) > self._per_chat:
            chat_map.popitem(last=False)
        return short_id

    def decode(self, chat_id: int, callback_data: str) -> str | None:
        """The payload behind callback_data, or None when a short id is unknown (expired)."""
        if not callback_data.startswith(SHORT_ID_PREFIX):
            return callback_data
        chat_map = self._maps.get(chat_id)
        return chat_map.get(callback_data) if chat_map else None

    def _chat_map(self, chat_id: int) -> OrderedDict[str, str]:
        """The chat's map, created on first use; the least recently used chat is dropped."""
        chat_map = self._maps.pop(chat_id, None) or OrderedDict()
        self._maps[chat_id] = chat_map
        while len(self._maps) > self._chats:
            self._maps.popitem(last=False)
        return chat_map


def build_keyboard(
    buttons: list[dict[str, Any]], chat_id: int, payloads: CallbackPayloads
) -> InlineKeyboardMarkup | None:
    """One button per row (titles are often long), or None without usable buttons."""
    rows = []
    for button in buttons:
        title, payload = str(button.get("title") or ""), str(button.get("payload") or "")
        if not title or not payload:
            continue
        if len(title) > TITLE_LIMIT:
            title = title[: TITLE_LIMIT - 1] + "…"
        rows.append([InlineKeyboardButton(title, callback_data=payloads.encode(chat_id, payload))])
    return InlineKeyboardMarkup(rows) if rows else None
