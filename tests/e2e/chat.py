"""A test client for the public chat API, as any Rasa REST client would use it."""

from __future__ import annotations

import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.gateway.identity import KEY_VARIABLE, telegram_conversation, web_conversation
from bot.runner.environment import stored_secret


def new_sender() -> str:
    """A conversation id as a client must make it: random (README: public chat API)."""
    return f"test-{uuid.uuid4().hex}"


def internal_id(var_dir, sender: str) -> str:
    """The id under which Rasa and the backend know a public sender's conversation."""
    return web_conversation(stored_secret(var_dir, KEY_VARIABLE), sender)


def telegram_internal_id(var_dir, chat_id: int) -> str:
    """The id under which Rasa and the backend know a Telegram chat's conversation."""
    return telegram_conversation(stored_secret(var_dir, KEY_VARIABLE), chat_id)


# The widget asks again after Retry-After while a confirmation is still rendered (503 pdf_pending,
# bot/gateway/static/widget.js DOWNLOAD_TRIES); tests do the same, a little more patiently,
# because a loaded CI machine renders slower.
CONFIRMATION_TRIES = 8


def fetch_confirmation(gateway_url: str, url: str, sender: str) -> httpx.Response:
    """GET a confirmation PDF as the widget does: again after Retry-After while it is pending."""
    for _ in range(CONFIRMATION_TRIES):
        response = httpx.get(f"{gateway_url}{url}", headers={"X-Conversation": sender}, timeout=30)
        if response.status_code != 503 or "pdf_pending" not in response.text:
            return response
        time.sleep(min(int(response.headers.get("Retry-After", "1")), 10))
    return response


@dataclass
class Chat:
    base_url: str
    language: str | None = None
    sender: str = field(default_factory=new_sender)
    last: list[dict[str, Any]] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)  # every text the assistant sent, in order
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Rasa's channel token (talking to Rasa directly)

    def say(self, text: str, **metadata: Any) -> list[dict[str, Any]]:
        meta = {"channel": "rest", **({"language": self.language} if self.language else {}), **metadata}
        response = httpx.post(
            f"{self.base_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text, "metadata": meta},
            headers=self.headers, timeout=60,
        )
        assert response.status_code == 200, response.text
        self.last = response.json()
        self.transcript += [m["text"] for m in self.last if m.get("text")]
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.last)

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.last for b in (m.get("buttons") or [])]

    @property
    def custom(self) -> list[dict[str, Any]]:
        return [m["custom"] for m in self.last if m.get("custom")]

    def press(self, title_part: str) -> list[dict[str, Any]]:
        """Press the button whose title contains title_part (as the widget would)."""
        for b in self.buttons:
            if title_part.lower() in b["title"].lower():
                return self.say(b["payload"])
        raise AssertionError(f"no button {title_part!r} in {[b['title'] for b in self.buttons]}")

    def upload(self, filename: str, data: bytes, content_type: str = "application/pdf") -> dict[str, Any]:
        response = httpx.post(
            f"{self.base_url}/api/uploads",
            data={"sender": self.sender, "language": self.language or "de"},
            files={"file": (filename, data, content_type)},
            timeout=60,
        )
        body = response.json()
        self.last = body.get("messages") or []
        return {"status": response.status_code, **body}


def stored_cases(var_dir, sender: str) -> list[dict[str, Any]]:
    """The cases the backend committed for a public sender's conversation (from its SQLite file)."""
    conn = sqlite3.connect(var_dir / "backend.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute("SELECT * FROM cases WHERE conversation_id = ?", (internal_id(var_dir, sender),)).fetchall()
        return [dict(r) for r in rows]
    finally:
        conn.close()


def minimal_pdf(marker: str = "") -> bytes:
    """A small, valid, unique PDF (unique so clamd's clean-result cache is not measured)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=f"Passkopie {marker or uuid.uuid4().hex}")
    return bytes(pdf.output())
