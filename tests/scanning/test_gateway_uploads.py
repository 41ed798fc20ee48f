"""POST /api/uploads: real clamd and backend behind it; the conversation core records what it is told."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from fastapi import FastAPI

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


def sender() -> str:
    return f"web-{uuid.uuid4().hex}"


async def test_accepted_upload_tells_the_conversation(settings):
    app, conversation = make_app(settings)
    who = sender()
    response = await post(app, data={"sender": who, "language": "en"},
                          files={"file": ("Pass.pdf", samples.pdf(), "application/pdf")})
    body = response.json()
    assert response.status_code == 200 and body["accepted"] and body["code"] == "accepted"
    upload_id = body["upload"]["upload_id"]
    assert conversation.sent == [(who, "/upload_received" + json.dumps({"upload_id": upload_id}), {"language": "en"})]
    assert body["messages"][0]["recipient_id"] == who


async def test_infected_upload_is_refused_with_reason_and_signature(settings):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": sender()},
                          files={"file": ("a.pdf", samples.pdf(attachment=samples.EICAR), "application/pdf")})
    body = response.json()
    assert response.status_code == 200 and not body["accepted"] and body["upload"] is None
    text = conversation.sent[0][1]
    assert text.startswith("/upload_refused")
    assert json.loads(text[len("/upload_refused"):]) == {"reason": "infected",
                                                          "signature": "Intake.Test.EICAR.UNOFFICIAL"}


async def test_disguised_program_is_bad_type(settings):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": sender()},
                          files={"file": ("pass.pdf", samples.ELF, "application/pdf")})
    assert response.json()["code"] == "bad_type"
    assert conversation.sent[0][1] == '/upload_refused{"reason": "bad_type"}'


async def test_oversize_body_is_not_read_and_refused(settings):
    app, conversation = make_app(settings)
    who = sender()
    big = samples.random_bytes(2_000_000, b"%PDF-")
    response = await post(app, params={"sender": who, "language": "de"},
                          files={"file": ("a.pdf", big, "application/pdf")})
    assert response.status_code == 200 and response.json()["code"] == "too_large"
    assert conversation.sent == [(who, '/upload_refused{"reason": "too_large"}', {"language": "de"})]


async def test_oversize_body_without_known_sender_is_413_in_the_client_language(settings):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": sender()}, headers={"accept-language": "en-GB"},
                          files={"file": ("a.pdf", samples.random_bytes(2_000_000, b"%PDF-"), "application/pdf")})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"] and conversation.sent == []


async def test_file_just_over_the_limit_is_too_large(settings):
    app, _ = make_app(settings)
    data = samples.random_bytes(settings.upload_max_file_bytes + 1, b"%PDF-")
    response = await post(app, data={"sender": sender()}, files={"file": ("a.pdf", data, "application/pdf")})
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize("language, word", [("de", "Feld"), ("en", "field")])
async def test_missing_file_is_400_in_the_client_language(settings, language, word):
    app, conversation = make_app(settings)
    response = await post(app, data={"sender": sender(), "language": language})
    assert response.status_code == 400 and word in response.json()["detail"]
    assert conversation.sent == []


async def test_not_multipart_is_400(settings):
    app, _ = make_app(settings)
    response = await post(app, content=b'{"sender": "x"}', headers={"content-type": "application/json"})
    assert response.status_code == 400


async def test_scanner_down_is_503_and_the_conversation_hears_it(backend, own_clamd, tmp_path):
    app, conversation = make_app(intake_settings(tmp_path, own_clamd.socket_path, backend.url))
    own_clamd.stop()
    response = await post(app, data={"sender": sender()}, files={"file": ("a.pdf", samples.pdf(), "application/pdf")})
    assert response.status_code == 503 and response.json()["code"] == "scanner_unavailable"
    assert conversation.sent[0][1] == '/upload_refused{"reason": "scanner_unavailable"}'
    assert response.json()["messages"]
