"""A confirmation PDF that is still rendering: the gateway passes the backend's 503
``pdf_pending`` on with Retry-After and a bilingual message (the widget and the Telegram
bridge retry on it), instead of a bare "unavailable". Real backend app under uvicorn,
its renderer held at a gate so the PDF is not ready when the download asks."""

from __future__ import annotations

import logging
import socket
import threading
import time

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from bot.backend import confirmations, pdf_worker
from bot.backend.app import create_app as backend_app
from bot.config import Settings
from bot.gateway.app import create_app as gateway_app
from bot.gateway.identity import conversation_key, telegram_conversation, web_conversation
from bot.gateway.limits import bilingual
from bot.logsafety import quiet_libraries
from tests.backend.conftest import submission

TOKEN = "gateway-pending-internal-token-0123456789"
SENDER = "pending-test-sender-0123456789abcdef"
CHAT_ID = 987654321


class _Backend:
    """The real backend app under uvicorn in a thread (renders in threads, not processes)."""

    def __init__(self, settings: Settings) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.app = backend_app(settings)
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def __enter__(self) -> "_Backend":
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            assert time.monotonic() < deadline and self._thread.is_alive(), "backend did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


class _Gate:
    """The real renderer, held until the gate opens."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self._real = confirmations.render_document

    def __call__(self, data, signer):
        self.gate.wait(timeout=30)
        return self._real(data, signer)


@pytest.fixture
def held(monkeypatch) -> _Gate:
    gate = _Gate()
    monkeypatch.setattr(confirmations, "render_document", gate)
    monkeypatch.setattr(pdf_worker, "DOWNLOAD_WAIT_S", 0.3)
    yield gate
    gate.gate.set()


@pytest.fixture
def stack(tmp_path, held):
    """(gateway test client, backend url, gateway settings); the gateway's lifespan is not needed here."""
    backend_settings = Settings(var_dir=tmp_path / "backend", internal_token=TOKEN, pdf_render_processes=0,
                                backend_database_url=f"sqlite:///{tmp_path / 'backend.sqlite3'}",
                                verify_url="https://lea.example/verify")
    with _Backend(backend_settings) as backend:
        settings = Settings(var_dir=tmp_path / "gateway", internal_token=TOKEN, backend_url=backend.url)
        yield TestClient(gateway_app(settings)), backend, settings


def _submit(backend: _Backend, conversation_id: str) -> dict:
    response = httpx.post(f"{backend.url}/internal/cases", headers={"X-Internal-Token": TOKEN}, timeout=30,
                          json=submission(conversation_id=conversation_id))
    assert response.status_code == 201, response.text
    return response.json()


def _pending(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["Retry-After"] == "2"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json() == {"error": "pdf_pending", "message": bilingual("pdf_pending"), "retry_after": 2}
    assert b"%PDF" not in response.content


def test_a_pdf_not_rendered_yet_is_pdf_pending_with_retry_after_then_the_pdf(stack, held, caplog):
    client, backend, settings = stack
    quiet_libraries()  # as every service configures its logging (bot/logsafety.py)
    caplog.set_level(logging.INFO)
    receipt = _submit(backend, web_conversation(conversation_key(settings), SENDER))
    url = f"/downloads/{receipt['download_token']}"

    _pending(client.get(url, headers={"X-Conversation": SENDER}))
    # The identity is still required: without it, or with another sender, nothing is pending, only 404.
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"X-Conversation": "another-sender-0123456789abcdefgh"}).status_code == 404

    held.gate.set()
    deadline = time.monotonic() + 30
    while (ready := client.get(url, headers={"X-Conversation": SENDER})).status_code == 503:
        assert time.monotonic() < deadline, "the PDF never became ready"
        time.sleep(0.1)
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")
    for secret in (receipt["download_token"], SENDER, web_conversation(conversation_key(settings), SENDER)):
        assert secret not in caplog.text


def test_the_telegram_route_passes_pdf_pending_on_too(stack, held):
    client, backend, settings = stack
    receipt = _submit(backend, telegram_conversation(conversation_key(settings), CHAT_ID))
    url = f"/internal/telegram/downloads/{receipt['download_token']}"
    _pending(client.get(url, headers={"X-Telegram-Chat": str(CHAT_ID), "X-Internal-Token": TOKEN}))
    assert client.get(url, headers={"X-Telegram-Chat": str(CHAT_ID + 1), "X-Internal-Token": TOKEN}).status_code == 404


def test_the_texts_are_in_german_and_english():
    text = bilingual("pdf_pending")
    assert "Bestätigung" in text["de"] and "confirmation" in text["en"]


def test_other_backend_failures_stay_a_plain_unavailable(tmp_path):
    settings = Settings(var_dir=tmp_path, internal_token=TOKEN, backend_url="http://127.0.0.1:9")
    response = TestClient(gateway_app(settings)).get("/downloads/" + "x" * 43, headers={"X-Conversation": SENDER})
    assert response.status_code == 503 and response.json() == {"error": "unavailable"}
    assert "Retry-After" not in response.headers


def test_an_embedding_page_may_read_retry_after(tmp_path):
    """The widget on an office page (another origin) must see Retry-After to wait for it."""
    settings = Settings(var_dir=tmp_path, internal_token=TOKEN, backend_url="http://127.0.0.1:9",
                        widget_origins="https://office.example")
    response = TestClient(gateway_app(settings)).get("/downloads/short", headers={"Origin": "https://office.example"})
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"retry-after", "content-disposition"} <= exposed


def test_the_telegram_bridge_client_reads_the_real_gateways_pending_answer(stack, held):
    """The bridge's GatewayClient against the real gateway app and backend: ConfirmationPending with
    the Retry-After it will wait, then the PDF once rendered."""
    import asyncio

    from bot.channels.telegram.gateway import ConfirmationPending, GatewayClient

    client, backend, settings = stack
    receipt = _submit(backend, telegram_conversation(conversation_key(settings), CHAT_ID))
    link = f"/downloads/{receipt['download_token']}"

    async def fetch() -> bytes:
        bridge_client = GatewayClient("http://gateway", TOKEN, transport=httpx.ASGITransport(app=client.app))
        try:
            return await bridge_client.download(link, CHAT_ID)
        finally:
            await bridge_client.aclose()

    with pytest.raises(ConfirmationPending) as pending:
        asyncio.run(fetch())
    assert pending.value.retry_after == 2
    held.gate.set()
    deadline = time.monotonic() + 30
    while True:
        try:
            assert asyncio.run(fetch()).startswith(b"%PDF")
            break
        except ConfirmationPending:
            assert time.monotonic() < deadline, "the PDF never became ready"
            time.sleep(0.2)
