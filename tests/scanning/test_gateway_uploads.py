"""POST /api/uploads: real clamd and backend behind it; the conversation core records what it is told."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid

import httpx
import pytest
from fastapi import FastAPI

from bot.gateway.identity import conversation_key, web_conversation
from bot.gateway.uploads import router
from bot.scanning.scanner import Scanner
from tests.scanning import samples
from tests.scanning.conftest import intake_settings

pytestmark = pytest.mark.asyncio


class RecordingConversation:
    """Stands where the gateway's conversation core sits; answers like Rasa's REST channel."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []

    async def send(self, sender: str, text: str, metadata: dict) -> list[dict]:
        self.sent.append((sender, text, metadata))
        return [{"recipient_id": sender, "text": f"ack {text}"}]


def make_app(settings) -> tuple[FastAPI, RecordingConversation]:
    app = FastAPI()
    app.include_router(router)
    app.state.settings = settings
    app.state.scanner = Scanner(settings)
    app.state.conversation = RecordingConversation()
    return app, app.state.conversation


async def post(app, *, files=None, data=None, params=None, content=None, headers=None) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        return await client.post("/api/uploads", files=files, data=data, params=params,
                                 content=content, headers=headers)


def _record_user_message(settings, conversation_id: str, at: float) -> None:
    """A user event in a Rasa-shaped SQL tracker store (what TrackerLiveness reads)."""
    with sqlite3.connect(settings.var_dir / "tracker.sqlite3") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                     " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                     " action_name VARCHAR(255), data TEXT)")
        conn.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
                     (conversation_id, at))


def internal(app, who: str) -> str:
    return web_conversation(conversation_key(app.state.settings), who)


def sender(app, talked_ago_s: float = 5.0) -> str:
    """A public sender whose conversation has a client message talked_ago_s seconds ago."""
    who = f"web-{uuid.uuid4().hex}"
    _record_user_message(app.state.settings, internal(app, who), time.time() - talked_ago_s)
    return who


async def test_accepted_upload_tells_the_conversation(settings):
    app, conversation = make_app(settings)
    who = sender(app)
    response = await post(app, data={"sender": who, "language": "en"},
                          files={"file": ("Pass.pdf", samples.pdf(), "application/pdf")})
    body = response.json()
    assert response.status_code == 200 and body["accepted"] and body["code"] == "accepted"
    upload_id = body["upload"]["upload_id"]
    assert conversation.sent == [(internal(app, who), "/upload_received" + json.dumps({"upload_id": upload_id}),
                                  {"language": "en"})]
    assert body["messages"][0]["recipient_id"] == who  # the client's id, never the internal one
    assert "conversation_id" not in body["upload"] and internal(app, who) not in response.text


async def test_infected_upload_is_refused_with_reason_and_signature(settings):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": sender(app)},
                          files={"file": ("a.pdf", samples.pdf(attachment=samples.EICAR), "application/pdf")})
    body = response.json()
    assert response.status_code == 200 and not body["accepted"] and body["upload"] is None
    text = conversation.sent[0][1]
    assert text.startswith("/upload_refused")
    assert json.loads(text[len("/upload_refused"):]) == {"reason": "infected",
                                                          "signature": "Intake.Test.EICAR.UNOFFICIAL"}


async def test_disguised_program_is_bad_type(settings):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": sender(app)},
                          files={"file": ("pass.pdf", samples.ELF, "application/pdf")})
    assert response.json()["code"] == "bad_type"
    assert conversation.sent[0][1] == '/upload_refused{"reason": "bad_type"}'


async def test_oversize_body_is_not_read_and_refused(settings):
    app, conversation = make_app(settings)
    who = sender(app)
    big = samples.random_bytes(2_000_000, b"%PDF-")
    response = await post(app, params={"language": "de"}, headers={"X-Conversation": who},
                          files={"file": ("a.pdf", big, "application/pdf")})
    assert response.status_code == 200 and response.json()["code"] == "too_large"
    assert conversation.sent == [(internal(app, who), '/upload_refused{"reason": "too_large"}', {"language": "de"})]


async def test_oversize_body_without_known_sender_is_413_in_the_client_language(settings):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": sender(app)}, headers={"accept-language": "en-GB"},
                          files={"file": ("a.pdf", samples.random_bytes(2_000_000, b"%PDF-"), "application/pdf")})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"] and conversation.sent == []


async def test_file_just_over_the_limit_is_too_large(settings):
    app, _ = make_app(settings)
    data = samples.random_bytes(settings.upload_max_file_bytes + 1, b"%PDF-")
    response = await post(app, data={"sender": sender(app)}, files={"file": ("a.pdf", data, "application/pdf")})
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize("language, word", [("de", "Feld"), ("en", "field")])
async def test_missing_file_is_400_in_the_client_language(settings, language, word):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": sender(app), "language": language})
    assert response.status_code == 400 and word in response.json()["detail"]
    assert conversation.sent == []


async def test_not_multipart_is_400(settings):
    app, _ = make_app(settings)
    response = await post(app, content=b'{"sender": "x"}', headers={"content-type": "application/json"})
    assert response.status_code == 400


async def test_scanner_down_is_503_and_the_conversation_hears_it(backend, own_clamd, tmp_path):
    app, conversation = make_app(intake_settings(tmp_path, own_clamd.socket_path, backend.url))
    own_clamd.stop()
    response = await post(app, data={"sender": sender(app)}, files={"file": ("a.pdf", samples.pdf(), "application/pdf")})
    assert response.status_code == 503 and response.json()["code"] == "scanner_unavailable"
    assert conversation.sent[0][1] == '/upload_refused{"reason": "scanner_unavailable"}'
    assert response.json()["messages"]


@pytest.mark.parametrize("who", ["a", "demo-1", "tg-12345", "a" * 30, "web-0123456789abcdef0123456789abcd.x"])
async def test_guessable_sender_is_400_and_nothing_is_stored(settings, who):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": who}, files={"file": ("a.pdf", samples.pdf(), "application/pdf")})
    assert response.status_code == 400 and response.json()["code"] == "invalid_sender"
    assert "random" in response.json()["detail"] and "zufällig" in response.json()["detail"]
    assert (len(who) < 5 or who not in response.text) and conversation.sent == []


@pytest.mark.parametrize("talked_ago_s", [None, 2 * 24 * 3600])
async def test_upload_into_a_conversation_nobody_is_having_is_refused(settings, talked_ago_s):
    """No client message (or none within the tracker retention window): 409, nothing stored or said."""
    app, conversation = make_app(settings)
    who = f"web-{uuid.uuid4().hex}" if talked_ago_s is None else sender(app, talked_ago_s)
    response = await post(app, data={"sender": who, "language": "en"},
                          files={"file": ("a.pdf", samples.pdf(), "application/pdf")})
    assert response.status_code == 409 and response.json()["code"] == "no_conversation"
    assert "write to the assistant first" in response.json()["detail"]
    assert conversation.sent == [] and response.json()["upload"] is None
