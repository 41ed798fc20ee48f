"""The conversation core every channel uses: forwards a client's message to Rasa.

Channels (web widget, Telegram bridge, any REST client) call the gateway's public
chat API, which calls ``ConversationCore.send``. Messages of one conversation are
handled strictly one after another, so answers never overtake each other.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import unicodedata
from collections import defaultdict
from typing import Any

import httpx

from bot.ops.logs import METADATA_KEY, request_id
from bot.ops.metrics import CHANNELS, TURN_SECONDS, TURNS, one_of

log = logging.getLogger(__name__)
# Intents that only the gateway may send on a client's behalf (after a scan).
RESERVED_INTENTS = ("/upload_received", "/upload_refused")
MAX_MESSAGE_CHARS = 2000
# The header Rasa's REST channel checks (bot/rasa_channel.py runs inside Rasa, not here).
RASA_TOKEN_HEADER = "X-Intake-Rasa-Token"


class AssistantUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


def clean_text(text: str) -> str:
    """Remove control and invisible formatting characters; keep every script and emoji."""
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\n\t":
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(ch)
    return re.sub(r"[ ]{2,}", " ", "".join(kept)).strip()


def with_request_id(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """The message's metadata with this turn's request id (for the action server's logs)."""
    current = request_id.get()
    return {**(metadata or {}), **({METADATA_KEY: current} if current else {})}


def is_reserved(text: str) -> bool:
    return text.lstrip().lower().startswith(RESERVED_INTENTS)


class ConversationCore:
    def __init__(self, rasa_url: str, timeout_s: float = 30.0, rasa_token: str = "") -> None:
        # Rasa's REST channel answers only the holder of INTAKE_RASA_TOKEN (bot/rasa_channel.py).
        headers = {RASA_TOKEN_HEADER: rasa_token} if rasa_token else {}
        self._client = httpx.AsyncClient(base_url=rasa_url, timeout=httpx.Timeout(timeout_s, connect=3.0),
                                         headers=headers)
        # One lock per conversation, dropped when nobody waits on it any more.
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: defaultdict[str, int] = defaultdict(int)

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """One turn: the client's message in, the assistant's messages out (Rasa REST shape)."""
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._waiting[sender] += 1
        channel = one_of((metadata or {}).get("channel"), CHANNELS)
        try:
            async with lock:
                started = time.perf_counter()
                response = await self._client.post(
                    "/webhooks/rest/webhook",
                    json={"sender": sender, "message": text, "metadata": with_request_id(metadata)},
                )
                seconds = time.perf_counter() - started
                TURN_SECONDS.labels(channel).observe(seconds)
        except httpx.HTTPError as exc:
            TURNS.labels(channel, "unavailable").inc()
            raise AssistantUnavailable(type(exc).__name__) from exc
        finally:
            self._waiting[sender] -= 1
            if self._waiting[sender] == 0:
                del self._waiting[sender]
                self._locks.pop(sender, None)
        TURNS.labels(channel, "answered" if response.status_code < 400 else "failed").inc()
        log.info("turn channel=%s rasa=%d %.0fms", channel, response.status_code, seconds * 1000)
        if response.status_code >= 400:
            raise AssistantUnavailable(f"HTTP {response.status_code}")
        return response.json()
