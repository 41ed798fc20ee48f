"""The identity rule and the keyed ids, without the stack: what a client may send, what Rasa sees."""

from __future__ import annotations

import base64
import os
import uuid

import httpx
import pytest

from bot.config import Settings
from bot.gateway.app import create_app
from bot.gateway.identity import acceptable_sender, telegram_conversation, web_conversation

GUESSABLE = ["", "a", "demo-1", "tg-12345", "tg-4711", "a" * 24, "ab" * 20, "0000-1111-0000-1111-0000-11",
             "x" * 129, "web-" + "a" * 32]
MALFORMED = ["ä" * 30, "has space but is long enough", "../../../../../../../etc/passwd", "e2e.test:conversation@123"]


@pytest.mark.parametrize("sender", GUESSABLE + MALFORMED)
def test_guessable_or_malformed_senders_are_refused(sender):
    assert not acceptable_sender(sender)


@pytest.mark.parametrize("sender", [
    str(uuid.uuid4()), uuid.uuid4().hex, f"web-{uuid.uuid4().hex}",
    base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="),  # 22 characters
], ids=["uuid4", "uuid4-hex", "web-hex", "base64url"])  # fresh values each run; stable test ids (pytest-xdist)
def test_random_ids_as_clients_make_them_pass(sender):
    assert acceptable_sender(sender)


def test_random_ids_pass_practically_always():
    """The distinct-character rule must not refuse real random ids (10 000 of each kind)."""
    for _ in range(10_000):
        assert acceptable_sender(uuid.uuid4().hex)
        assert acceptable_sender(base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="))


def test_internal_ids_are_keyed_and_channel_separated():
    sender = uuid.uuid4().hex
    web = web_conversation("key-1", sender)
    assert web.startswith("web-") and len(web) == 4 + 32 and sender not in web
    assert web_conversation("key-2", sender) != web  # without the key nobody can compute it
    # A public client naming a Telegram chat, or an internal id, lands in its own web space.
    assert web_conversation("key-1", "tg-4711") != telegram_conversation("key-1", 4711)
    assert web_conversation("key-1", web) != web
    assert telegram_conversation("key-1", 4711).startswith("tg-") and "4711" not in telegram_conversation("key-1", 4711)


@pytest.mark.asyncio
@pytest.mark.parametrize("token", [None, "", "wrong-token", "dev-internal-token"])
async def test_the_bridge_routes_refuse_anyone_without_the_service_token(tmp_path, token):
    """Chat ids are not secret: without the internal token the Telegram routes do not exist."""
    app = create_app(Settings(var_dir=tmp_path, internal_token="the-real-token-" + uuid.uuid4().hex))
    headers = {"X-Internal-Token": token} if token is not None else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        chat = await client.post("/internal/telegram/messages", headers=headers,
                                 json={"chat_id": 4711, "message": "send my confirmation again"})
        upload = await client.post("/internal/telegram/uploads", headers=headers, data={"chat_id": "4711"},
                                   files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
        download = await client.get("/internal/telegram/downloads/" + "x" * 43,
                                    headers={**headers, "X-Telegram-Chat": "4711"})
    assert (chat.status_code, upload.status_code, download.status_code) == (404, 404, 404)
