"""The conversation core every channel uses: forwards a client's message to Rasa.

Channels (web widget, Telegram bridge, any REST client) call the gateway's public
chat API, which calls ``ConversationCore.send``. Messages of one conversation are
handled strictly one after another, so answers never overtake each other.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import unicodedata
from collections import defaultdict
from typing import Any

import aiohttp

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
    """Forwards turns to Rasa's REST channel over one kept aiohttp session.

    aiohttp, not httpx: this is the gateway's work on every turn, and httpx (pure-Python
    h11, anyio cancel scopes, and httpcore retrying ``import sniffio`` -- not installed --
    for every lock it sets up, a search of sys.path each time) was most of the gateway's
    own CPU per turn under 20 concurrent conversations (py-spy, docs/BENCHMARKS.md).
    """

    def __init__(self, rasa_url: str, timeout_s: float = 30.0, rasa_token: str = "") -> None:
        self._url = f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"
        # Rasa's REST channel answers only the holder of INTAKE_RASA_TOKEN (bot/rasa_channel.py).
        self._headers = {RASA_TOKEN_HEADER: rasa_token} if rasa_token else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, connect=3.0)
        self._session: aiohttp.ClientSession | None = None
        # One lock per conversation, dropped when nobody waits on it any more.
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: defaultdict[str, int] = defaultdict(int)

    def _client(self) -> aiohttp.ClientSession:
        """The kept session (made in the running event loop on first use)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """One turn: the client's message in, the assistant's messages out (Rasa REST shape)."""
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._waiting[sender] += 1
        channel = one_of((metadata or {}).get("channel"), CHANNELS)
        try:
            async with lock:
                started = time.perf_counter()
                async with self._client().post(
                    self._url, json={"sender": sender, "message": text, "metadata": with_request_id(metadata)},
                ) as response:
                    status = response.status
                    body = await response.read()
                seconds = time.perf_counter() - started
                TURN_SECONDS.labels(channel).observe(seconds)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            TURNS.labels(channel, "unavailable").inc()
            raise AssistantUnavailable(type(exc).__name__) from exc
        finally:
            self._waiting[sender] -= 1
            if self._waiting[sender] == 0:
                del self._waiting[sender]
                self._locks.pop(sender, None)
        TURNS.labels(channel, "answered" if status < 400 else "failed").inc()
        log.info("turn channel=%s rasa=%d %.0fms", channel, status, seconds * 1000)
        if status >= 400:
            raise AssistantUnavailable(f"HTTP {status}")
        return json.loads(body)
