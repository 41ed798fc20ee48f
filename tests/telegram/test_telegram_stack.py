"""Full tests: the bridge against the fake Bot API and the real stack (gateway, Rasa, action
server, backend, clamd) from the session fixture ``stack`` (tests/fixtures/stack.py).

The conversation is driven by the assistant's own questions: each German question text of
``utter_ask_<field>`` in domain/*.yml tells which field is asked, and a fixed answer is
given. Buttons are pressed when a question offers them.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml
from fpdf import FPDF

from bot.channels.telegram import build_application, start, stop
from bot.channels.telegram.gateway import GatewayClient
from bot.config import PROJECT_ROOT
from tests.telegram.support import POLL_TIMEOUT_S, bridge_settings

pytestmark = [pytest.mark.asyncio, pytest.mark.stack]

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SKIP = "überspringen"
# Fields where, when no button title equals the answer, the first button is pressed.
CHOOSE_FIRST = {"purpose", "title_kind"}
# German answers per field; a button with the same title is pressed instead of typing.
ANSWERS: dict[str, str] = {
    "purpose": "Beschäftigung",
    "given_names": "Erika Mustermann",
    "family_name": "Mustermann",
    "date_of_birth": "12.08.1985",
    "place_of_birth": "Köln",
    "nationality": "Türkei",
    "title_kind": "Aufenthaltserlaubnis",
    "title_serial": "Y12345678",
    "title_expiry": (date.today() + timedelta(days=40)).strftime("%d.%m.%Y"),
    "existing_case_number": SKIP,
    "principal_case_number": SKIP,
    "address": "Musterstraße 12, 10115 Berlin",
    "email": "erika.mustermann@example.org",
    "phone": SKIP,
    "pickup_by_proxy": "nein",
    "message": "Ich möchte meine Aufenthaltserlaubnis verlängern.",
    "concern": "Verlängerung meiner Aufenthaltserlaubnis",
    "confirmed": "ja",
}


def ask_prefixes(language: str = "de") -> dict[str, str]:
    """field -> the fixed start of its question text (up to the first placeholder)."""
    prefixes = {}
    for path in sorted((PROJECT_ROOT / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name, variants in responses.items():
            if not name.startswith("utter_ask_"):
                continue
            for variant in variants:
                condition = variant.get("condition") or []
                if any(c.get("name") == "language" and c.get("value") == language for c in condition):
                    prefixes[name.removeprefix("utter_ask_")] = variant["text"].split("{")[0].strip()[:40]
    return prefixes


class RecordingClient(GatewayClient):
    """The real gateway client, also keeping the assistant's answers for the test to read."""

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.answers: list[dict[str, Any]] = []

    async def send_message(self, sender: str, text: str, language: str) -> list[dict[str, Any]]:
        answers = await super().send_message(sender, text, language)
        self.answers.extend(answers)
        return answers

    async def upload(self, *args: Any, **kwargs: Any):
        outcome = await super().upload(*args, **kwargs)
        self.answers.extend(outcome.messages)
        return outcome


@pytest_asyncio.fixture
async def live_bridge(stack, fake_telegram):
    """The bridge against the real gateway of the stack."""
    settings = bridge_settings(
        fake_telegram, stack.gateway_url, internal_token=stack.settings.internal_token
    )
    client = RecordingClient(stack.gateway_url)
    application = build_application(settings, gateway=client)
    await start(application, settings, poll_timeout=POLL_TIMEOUT_S)
    yield application, client
    await stop(application)


async def settle(application, fake, timeout: float = 90.0) -> None:
    """Waits until every pushed update was fetched and fully handled."""
    await fake.wait_until_consumed(timeout)
    deadline = time.monotonic() + timeout
    await asyncio.sleep(0.05)
    while application.update_processor.current_concurrent_updates:
        assert time.monotonic() < deadline, "the bridge did not finish its turn"
        await asyncio.sleep(0.05)


def asked_field(messages: list[dict], prefixes: dict[str, str]) -> tuple[str | None, dict | None]:
    """The field the latest question asks for, and the message carrying it."""
    for message in reversed(messages):
        body = message.get("text") or ""
        for field, prefix in prefixes.items():
            if prefix and prefix in body:
                return field, message
    return None, None


def small_pdf(attachment: bytes | None = None) -> bytes:
    """A real one-page PDF (unique, as clamd caches clean results), optionally carrying a file."""
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=14)
    document.cell(text=f"Reisepass (Testkopie) {os.urandom(6).hex()}")
    if attachment is not None:
        document.embed_file(bytes=attachment, basename="anlage.bin", compress=True, mime_type="text/plain")
    return bytes(document.output())


def transcript(fake, chat_id: int) -> str:
    """The bot's side of the chat, for failure messages (test data only)."""
    return "\n---\n".join(m.get("text") or f"[document {m['document']['file_name']}]"
                          for m in fake.messages(chat_id))


async def test_whole_enquiry_in_german_ends_with_the_confirmation_pdf(live_bridge, fake_telegram, stack):
    """Extension request over Telegram: questions, a PDF upload, confirmation as a document."""
    application, client = live_bridge
    chat = 880001
    prefixes = {field: prefix for field, prefix in ask_prefixes("de").items() if field in ANSWERS}
    fake_telegram.push_text(chat, "Ich möchte meine Aufenthaltserlaubnis verlängern", language_code="de")
    await settle(application, fake_telegram)

    fake_telegram.push_document(chat, "Reisepass.pdf", small_pdf(), language_code="de")
    await settle(application, fake_telegram)
    assert any("angenommen" in t for t in fake_telegram.texts(chat)[-3:]), transcript(fake_telegram, chat)

    asked: list[str] = []
    for _ in range(40):
        if fake_telegram.sent_documents(chat):
            break
        field, question = asked_field(fake_telegram.messages(chat), prefixes)
        assert field is not None, f"no question recognised:\n{transcript(fake_telegram, chat)}"
        asked.append(field)
        assert asked.count(field) <= 3, f"stuck at {field}:\n{transcript(fake_telegram, chat)}"
        buttons = [b for row in (question.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        answer = ANSWERS[field]
        wanted = [b for b in buttons if b["text"].lower() == answer.lower()]
        if buttons and (wanted or field in CHOOSE_FIRST):
            fake_telegram.press_button(chat, callback_data=(wanted or buttons)[0]["callback_data"])
        else:
            fake_telegram.push_text(chat, answer, language_code="de")
        await settle(application, fake_telegram)
    else:
        pytest.fail(f"no confirmation after 40 turns:\n{transcript(fake_telegram, chat)}")

    assert "confirmed" in asked
    [document] = fake_telegram.sent_documents(chat)
    assert document.data.startswith(b"%PDF")
    [custom] = [a["custom"] for a in client.answers if (a.get("custom") or {}).get("type") == "confirmation_pdf"]
    assert document.filename == custom["filename"]
    assert re.fullmatch(r"/downloads/[A-Za-z0-9_-]+", custom["url"])
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        direct = await http.get(custom["url"], params={"sender": f"tg-{chat}"})
    assert direct.status_code == 200
    assert direct.content == document.data


async def test_infected_file_is_refused_with_a_message(live_bridge, fake_telegram, stack):
    """A PDF carrying EICAR sent over Telegram is found by clamd and refused; the user is told so."""
    application, client = live_bridge
    chat = 880002
    fake_telegram.push_text(chat, "Ich möchte meine Aufenthaltserlaubnis verlängern", language_code="de")
    await settle(application, fake_telegram)
    before = len(fake_telegram.messages(chat))
    # Inside a real PDF: a bare EICAR file would be refused for its type before any scan.
    fake_telegram.push_document(chat, "Rechnung.pdf", small_pdf(attachment=EICAR), language_code="de")
    await settle(application, fake_telegram)

    replies = fake_telegram.texts(chat)[before:]
    assert replies, transcript(fake_telegram, chat)
    assert any("Schadsoftware" in r or "abgelehnt" in r for r in replies), transcript(fake_telegram, chat)
    assert not any("angenommen" in r for r in replies)
    assert fake_telegram.sent_documents(chat) == []
