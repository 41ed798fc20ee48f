"""Helpers shared by the Telegram tests: a recording gateway stand-in and bridge settings."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.config import Settings
from tests.fixtures.fake_telegram import FakeTelegram

# Short long-poll so stopping the bridge at the end of a test is quick.
POLL_TIMEOUT_S = 1


@dataclass
class RecordingGateway:
    """Stands in for the gateway in bridge unit tests: records calls, answers as scripted."""

    chats: list[dict] = field(default_factory=list)  # bodies of /internal/telegram/messages
    uploads: list[dict] = field(default_factory=list)  # chat_id, filename, data, content_type, language
    # message text -> answers (list of Rasa-style messages); default: one echo text.
    replies: dict[str, list[dict]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)  # message text -> seconds to wait
    upload_reply: tuple[int, dict] | None = None
    downloads: dict[str, bytes] = field(default_factory=dict)  # token -> bytes
    download_chats: list[str] = field(default_factory=list)  # X-Telegram-Chat of each download
    download_times: list[float] = field(default_factory=list)  # monotonic time of each download
    # token -> how many more downloads get 503 pdf_pending (the PDF still rendering) before the PDF
    pending: dict[str, int] = field(default_factory=dict)
    retry_after: str = "1"  # Retry-After of those 503s
    tokens: set[str] = field(default_factory=set)  # X-Internal-Token of every request
    statuses: dict[str, int] = field(default_factory=dict)  # message text -> HTTP status
    in_flight: dict[int, int] = field(default_factory=dict)  # chat id -> requests being answered
    max_in_flight: dict[str, int] = field(default_factory=dict)
    headers: list[dict[str, str]] = field(default_factory=list)  # request headers of each chat call
    url: str = ""

    def messages_of(self, chat_id: int) -> list[str]:
        """The messages of one chat, in arrival order."""
        return [body["message"] for body in self.chats if body["chat_id"] == chat_id]

    async def _chat(self, request: Request) -> Response:
        self.tokens.add(request.headers.get("x-internal-token", ""))
        body = await request.json()
        self.chats.append(body)
        sender = body["chat_id"]
        self.in_flight[sender] = self.in_flight.get(sender, 0) + 1
        self.max_in_flight[sender] = max(self.max_in_flight.get(sender, 0), self.in_flight[sender])
        try:
            await asyncio.sleep(self.delays.get(body["message"], 0))
        finally:
            self.in_flight[sender] -= 1
        answers = self.replies.get(body["message"])
        if answers is None:
            answers = [{"recipient_id": str(sender), "text": f"echo: {body['message']}"}]
        return JSONResponse(answers, status_code=self.statuses.get(body["message"], 200))

    async def _upload(self, request: Request) -> Response:
        self.tokens.add(request.headers.get("x-internal-token", ""))
        form = await request.form()
        upload = form["file"]
        self.uploads.append({
            "chat_id": form["chat_id"],
            "language": form.get("language"),
            "filename": upload.filename,
            "content_type": upload.content_type,
            "data": await upload.read(),
        })
        status, body = self.upload_reply or (200, {
            "accepted": True, "code": "accepted", "upload": {"upload_id": "u1"},
            "messages": [{"recipient_id": form["chat_id"], "text": "Datei erhalten."}],
        })
        return JSONResponse(body, status_code=status)

    async def _download(self, request: Request) -> Response:
        self.tokens.add(request.headers.get("x-internal-token", ""))
        self.download_chats.append(request.headers.get("x-telegram-chat", ""))
        self.download_times.append(time.monotonic())
        token = request.path_params["token"]
        if self.pending.get(token, 0) > 0:
            self.pending[token] -= 1
            body = {"error": "pdf_pending", "retry_after": self.retry_after,
                    "message": {"de": "Wird erstellt.", "en": "Being prepared."}}
            return JSONResponse(body, status_code=503, headers={"Retry-After": self.retry_after})
        data = self.downloads.get(token)
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="application/pdf")

    def app(self) -> Starlette:
        """The ASGI app serving this stand-in."""
        return Starlette(routes=[
            Route("/internal/telegram/messages", self._chat, methods=["POST"]),
            Route("/internal/telegram/uploads", self._upload, methods=["POST"]),
            Route("/internal/telegram/downloads/{token}", self._download, methods=["GET"]),
        ])


def bridge_settings(fake: FakeTelegram, gateway_url: str, **overrides: Any) -> Settings:
    """Settings pointing the bridge at the fake Bot API and the given gateway."""
    values = {**fake.settings_overrides(), "public_url": gateway_url,
              "internal_token": "test-internal-token", **overrides}
    return Settings(**values)



def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
