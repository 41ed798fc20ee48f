"""The gateway passes a keyed hash of the client's address as message metadata ``source``: the
backend counts wrong follow-up keys per source (bot/backend/follow_ups.py). Never the address
itself, and never a value a client sends."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from bot.gateway import chat, limits

pytestmark = pytest.mark.asyncio


class RecordingConversation:
    def __init__(self) -> None:
        self.sent: list[dict] = []

    async def send(self, sender: str, text: str, metadata: dict) -> list[dict]:
        self.sent.append(metadata)
        return [{"recipient_id": sender, "text": "ok"}]


def _app(tmp_path) -> tuple[FastAPI, RecordingConversation]:
    settings = Settings(var_dir=tmp_path / "var", internal_token="test-internal-token-0123456789")
    app = FastAPI()
    app.state.settings = settings
    limits.install(app, settings)
    app.include_router(chat.router)
    app.state.conversation = RecordingConversation()
    return app, app.state.conversation


async def _say(app, address: str, metadata: dict | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        return await client.post("/webhooks/rest/webhook", json={
            "sender": f"web-{uuid.uuid4().hex}", "message": "hallo", "metadata": metadata or {}})


async def test_the_source_is_a_keyed_hash_of_the_address_and_cannot_be_set_by_the_client(tmp_path):
    app, conversation = _app(tmp_path)
    for address, metadata in (("203.0.113.7", {}), ("203.0.113.7", {"source": "victim"}), ("198.51.100.9", {})):
        assert (await _say(app, address, metadata)).status_code == 200
    first, second, other = (m["source"] for m in conversation.sent)
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first == second != other
    assert all("203.0.113.7" not in str(m) and "victim" not in str(m) for m in conversation.sent)
