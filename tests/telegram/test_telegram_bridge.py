"""Bridge unit tests: the real PTB bridge against the fake Bot API and a recording gateway
stand-in (tests/telegram/conftest.py), not the real assistant."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot.channels.telegram import build_application, start, stop
from bot.channels.telegram.keyboard import CALLBACK_DATA_LIMIT
from bot.channels.telegram.texts import both, text
from tests.telegram.support import POLL_TIMEOUT_S, bridge_settings, closed_port_url

pytestmark = pytest.mark.asyncio

CHAT = 4711
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_text_goes_to_gateway_with_sender_and_language(bridge, fake_telegram, gateway):
    """A typed message reaches the gateway's internal route with its chat id, the service token and
    the language preset (the gateway alone derives the conversation id); the answer returns."""
    fake_telegram.push_text(CHAT, "Ich möchte meinen Titel verlängern", language_code="de-AT")
    fake_telegram.push_text(CHAT + 1, "I want to extend my permit", language_code="fr")
    fake_telegram.push_text(CHAT + 2, "hi", language_code=None)

    assert await fake_telegram.wait_for_messages(CHAT, 1)
    await fake_telegram.wait_for_messages(CHAT + 2, 1)
    by_chat = {body["chat_id"]: body for body in gateway.chats}
    assert gateway.tokens == {"test-internal-token"}
    assert by_chat[CHAT] == {
        "chat_id": CHAT,
        "message": "Ich möchte meinen Titel verlängern",
        "metadata": {"language": "de", "channel": "telegram"},
    }
    assert by_chat[CHAT + 1]["metadata"]["language"] == "en"
    assert by_chat[CHAT + 2]["metadata"]["language"] == "en"
    assert fake_telegram.texts(CHAT) == ["echo: Ich möchte meinen Titel verlängern"]


async def test_start_greets_in_the_users_language(bridge, fake_telegram, gateway):
    """/start asks the assistant to greet, in German for de users and English otherwise."""
    fake_telegram.push_text(CHAT, "/start", language_code="de")
    fake_telegram.push_text(CHAT + 1, "/start", language_code="en-GB")
    await fake_telegram.wait_for_messages(CHAT, 1)
    await fake_telegram.wait_for_messages(CHAT + 1, 1)
    assert gateway.messages_of(CHAT) == ["Hallo"]
    assert gateway.messages_of(CHAT + 1) == ["Hello"]


async def test_typed_intent_payloads_lose_their_slash(bridge, fake_telegram, gateway):
    """Nobody can type a Rasa payload that skips understanding; only buttons send those."""
    fake_telegram.push_text(CHAT, '/inform{"concern": "x"}')
    await fake_telegram.wait_for_messages(CHAT, 1)
    assert gateway.messages_of(CHAT) == ['inform{"concern": "x"}']


async def test_one_chat_strictly_in_order_other_chats_not_blocked(bridge, fake_telegram, gateway):
    """A slow first answer holds back the chat's later messages but not another chat."""
    gateway.delays = {"eins": 0.8, "zwei": 0.0, "drei": 0.3}
    for word in ("eins", "zwei", "drei"):
        fake_telegram.push_text(CHAT, word)
    fake_telegram.push_text(CHAT + 1, "andere")

    await fake_telegram.wait_for_messages(CHAT + 1, 1, timeout=5)
    assert fake_telegram.texts(CHAT) == []  # chat A still waits for its slow first answer
    await fake_telegram.wait_for_messages(CHAT, 3, timeout=10)

    assert gateway.messages_of(CHAT) == ["eins", "zwei", "drei"]
    assert fake_telegram.texts(CHAT) == ["echo: eins", "echo: zwei", "echo: drei"]
    assert gateway.max_in_flight[CHAT] == 1


async def test_buttons_become_an_inline_keyboard_and_long_payloads_fit(bridge, fake_telegram, gateway):
    """Short payloads ride in callback_data; longer ones are replaced by short ids and mapped back."""
    short = '/inform{"title_kind":"blue_card"}'
    long = '/inform{"title_kind":"residence_permit","purpose":"Familiennachzug_Ehegatte_Kinder"}'
    tilde = "~looks-like-an-id"
    assert len(long.encode()) > CALLBACK_DATA_LIMIT
    gateway.replies["Titel"] = [{
        "recipient_id": str(CHAT),
        "text": "Welchen Titel haben Sie?",
        "buttons": [
            {"title": "Blaue Karte EU", "payload": short},
            {"title": "Aufenthaltserlaubnis", "payload": long},
            {"title": "Sonderfall", "payload": tilde},
        ],
    }]
    fake_telegram.push_text(CHAT, "Titel")
    [question] = await fake_telegram.wait_for_messages(CHAT, 1)

    assert question["text"] == "Welchen Titel haben Sie?"
    rows = question["reply_markup"]["inline_keyboard"]
    data = {row[0]["text"]: row[0]["callback_data"] for row in rows}
    assert data["Blaue Karte EU"] == short
    for title in ("Aufenthaltserlaubnis", "Sonderfall"):
        assert len(data[title].encode()) <= CALLBACK_DATA_LIMIT
        assert data[title] not in (long, tilde)

    fake_telegram.press_button(CHAT, title="Aufenthaltserlaubnis")
    await fake_telegram.wait_for_messages(CHAT, 2)
    fake_telegram.press_button(CHAT, callback_data=data["Sonderfall"])
    await fake_telegram.wait_for_messages(CHAT, 3)

    assert gateway.messages_of(CHAT) == ["Titel", long, tilde]
    assert len(fake_telegram.callback_answers) == 2
    # The pressed keyboard is removed, so an old choice cannot be sent twice.
    assert "reply_markup" not in fake_telegram.messages(CHAT)[0]


async def test_unknown_short_id_is_answered_not_forwarded(bridge, fake_telegram, gateway):
    """A press on a button whose id the bridge forgot (e.g. after a restart) asks to type instead."""
    fake_telegram.press_button(CHAT, callback_data="~forgotten", language_code="en")
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == text("button_expired", "en")
    assert gateway.chats == []
    assert len(fake_telegram.callback_answers) == 1


async def test_document_is_uploaded_with_its_bytes(bridge, fake_telegram, gateway):
    """A sent document is downloaded through the File API and posted to /api/uploads unchanged."""
    fake_telegram.push_document(CHAT, "Reisepass.pdf", PDF, language_code="de")
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)

    [upload] = gateway.uploads
    assert upload == {
        "chat_id": str(CHAT), "language": "de", "filename": "Reisepass.pdf",
        "content_type": "application/pdf", "data": PDF,
    }
    assert reply["text"] == "Datei erhalten."


async def test_photo_uploads_the_largest_size(bridge, fake_telegram, gateway):
    """Of a photo's sizes, the largest one is uploaded, as a JPEG."""
    small, large, medium = b"\xff\xd8small", b"\xff\xd8" + b"L" * 5000, b"\xff\xd8" + b"m" * 500
    fake_telegram.push_photo(CHAT, [(90, 67, small), (1280, 960, large), (320, 240, medium)])
    await fake_telegram.wait_for_messages(CHAT, 1)

    [upload] = gateway.uploads
    assert upload["data"] == large
    assert upload["content_type"] == "image/jpeg"
    assert upload["filename"].endswith(".jpg")


async def test_refused_upload_shows_the_gateways_message(bridge, fake_telegram, gateway):
    """When scanning is down (503 with messages), the user reads the gateway's explanation."""
    gateway.upload_reply = (503, {
        "accepted": False, "code": "scan_unavailable", "upload": None,
        "messages": [{"recipient_id": str(CHAT), "text": "Die Virenprüfung ist gerade nicht verfügbar."}],
    })
    fake_telegram.push_document(CHAT, "a.pdf", PDF)
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == "Die Virenprüfung ist gerade nicht verfügbar."


async def test_refusal_without_messages_gets_the_bridges_text(bridge, fake_telegram, gateway):
    """A 4xx without messages still tells the user, in their language."""
    gateway.upload_reply = (415, {"accepted": False, "code": "type", "upload": None, "messages": []})
    fake_telegram.push_document(CHAT, "a.exe", b"MZ\x90\x00", mime_type="application/octet-stream",
                                language_code="en")
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == text("file_refused", "en")


async def test_too_large_file_is_refused_before_download(bridge, fake_telegram, gateway):
    """A file over the per-file limit is refused from its declared size, without downloading it."""
    fake_telegram.push_document(CHAT, "big.pdf", PDF, declared_size=11 * 1024 * 1024)
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == text("file_too_large", "de", limit_mb=10)
    assert fake_telegram.requests("getFile") == []
    assert gateway.uploads == []


async def test_confirmation_pdf_is_sent_as_document_with_exact_bytes(bridge, fake_telegram, gateway):
    """The confirmation payload makes the bridge fetch the PDF and send exactly those bytes."""
    pdf = PDF + bytes(range(256))  # binary content must survive unchanged
    gateway.downloads["tok-123"] = pdf
    gateway.replies["ja"] = [
        {"recipient_id": str(CHAT), "text": "Ihre Vorgangsnummer: LEA-2025-000123"},
        {"recipient_id": str(CHAT), "custom": {
            "type": "confirmation_pdf", "url": "/downloads/tok-123",
            "filename": "Bestaetigung-LEA-2025-000123.pdf", "case_number": "LEA-2025-000123"}},
    ]
    fake_telegram.push_text(CHAT, "ja")
    messages = await fake_telegram.wait_for_messages(CHAT, 2)

    assert messages[0]["text"] == "Ihre Vorgangsnummer: LEA-2025-000123"
    [document] = fake_telegram.sent_documents(CHAT)
    assert document.filename == "Bestaetigung-LEA-2025-000123.pdf"
    assert document.data == pdf
    assert gateway.download_chats == [str(CHAT)]  # the link is redeemed as this chat


async def test_download_link_outside_downloads_is_not_fetched(bridge, fake_telegram, gateway):
    """A payload cannot make the bridge fetch other URLs; the user gets the apology instead."""
    gateway.replies["ja"] = [{"recipient_id": str(CHAT), "custom": {
        "type": "confirmation_pdf", "url": f"{fake_telegram.root}/steal", "filename": "x.pdf"}}]
    fake_telegram.push_text(CHAT, "ja")
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == both("unavailable")
    assert fake_telegram.sent_documents(CHAT) == []


async def test_unsupported_message_kind_is_explained(bridge, fake_telegram, gateway):
    """A sticker gets a short explanation of what the assistant reads."""
    fake_telegram.push_sticker(CHAT, language_code="en")
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == text("unsupported", "en")
    assert gateway.chats == []


async def test_gateway_down_gets_a_bilingual_apology_and_the_bridge_keeps_running(fake_telegram):
    """With the gateway unreachable every message gets the apology; nothing crashes."""
    settings = bridge_settings(fake_telegram, closed_port_url())
    application = build_application(settings)
    await start(application, settings, poll_timeout=POLL_TIMEOUT_S)
    try:
        fake_telegram.push_text(CHAT, "Hallo")
        fake_telegram.push_document(CHAT, "a.pdf", PDF)
        replies = await fake_telegram.wait_for_messages(CHAT, 2)
        assert [r["text"] for r in replies] == [both("unavailable")] * 2
        assert "Entschuldigung" in replies[0]["text"] and "Sorry" in replies[0]["text"]
        assert application.updater.running
    finally:
        await stop(application)


async def test_gateway_error_status_gets_the_apology(bridge, fake_telegram, gateway):
    """A gateway answering garbage is treated like a gateway that is down."""
    gateway.replies["kaputt"] = {"not": "a list"}  # type: ignore[assignment]
    fake_telegram.push_text(CHAT, "kaputt")
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == both("unavailable")


async def test_gateway_notice_on_503_is_shown(bridge, fake_telegram, gateway):
    """When the gateway answers 503 with its own notice, the user reads that notice."""
    gateway.replies["Hallo"] = [{"recipient_id": str(CHAT), "text": "Assistent nicht erreichbar / unreachable"}]
    gateway.statuses["Hallo"] = 503
    fake_telegram.push_text(CHAT, "Hallo")
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == "Assistent nicht erreichbar / unreachable"


async def test_logs_hold_neither_texts_nor_chat_ids_nor_the_token(bridge, fake_telegram, gateway, caplog):
    """At INFO, what users write, their chat ids and the bot token stay out of the logs."""
    from bot.channels.telegram.app import configure_logging

    configure_logging()
    caplog.set_level(logging.INFO)
    gateway.downloads["t"] = PDF
    gateway.replies["Erika Mustermann"] = [{"recipient_id": "x", "custom": {
        "type": "confirmation_pdf", "url": "/downloads/t", "filename": "c.pdf"}}]
    fake_telegram.push_text(CHAT, "Erika Mustermann")
    fake_telegram.push_document(CHAT, "Mustermann_Pass.pdf", PDF)
    await fake_telegram.wait_for_messages(CHAT, 2)

    logged = caplog.text
    assert "chat" in logged  # the bridge did log, under a hashed reference
    for secret in ("Mustermann", str(CHAT), fake_telegram.token):
        assert secret not in logged
    assert json.dumps(CHAT) not in logged


async def test_the_bridge_reaches_the_gateway_directly_when_told(fake_telegram, gateway):
    """INTAKE_TELEGRAM_GATEWAY_URL wins over the public URL (a proxy that does not forward /internal/)."""
    settings = bridge_settings(fake_telegram, closed_port_url(), telegram_gateway_url=gateway.url)
    application = build_application(settings)
    await start(application, settings, poll_timeout=POLL_TIMEOUT_S)
    try:
        fake_telegram.push_text(CHAT, "direkt")
        await fake_telegram.wait_for_messages(CHAT, 1)
    finally:
        await stop(application)
    assert gateway.messages_of(CHAT) == ["direkt"]


def _confirmation_reply(token: str) -> list[dict]:
    return [{"recipient_id": str(CHAT), "text": "Ihre Vorgangsnummer: LEA-2025-000124"},
            {"recipient_id": str(CHAT), "custom": {"type": "confirmation_pdf", "url": f"/downloads/{token}",
                                                   "filename": "Bestaetigung.pdf", "case_number": "LEA-2025-000124"}}]


async def test_a_pdf_still_rendering_is_fetched_again_after_retry_after(bridge, fake_telegram, gateway):
    """503 pdf_pending twice: the bridge waits Retry-After each time, then sends the PDF; no apology,
    and another chat is answered while this one waits."""
    gateway.downloads["tok-late"] = PDF
    gateway.pending["tok-late"] = 2
    gateway.replies["ja"] = _confirmation_reply("tok-late")
    fake_telegram.push_text(CHAT, "ja")
    await fake_telegram.wait_until_consumed()
    fake_telegram.push_text(CHAT + 1, "andere")
    await fake_telegram.wait_for_messages(CHAT + 1, 1, timeout=5)
    assert fake_telegram.sent_documents(CHAT) == [], "the other chat did not wait for this chat's PDF"

    await fake_telegram.wait_for_messages(CHAT, 2, timeout=15)
    [document] = fake_telegram.sent_documents(CHAT)
    assert document.data == PDF
    assert len(gateway.download_times) == 3 and gateway.download_chats == [str(CHAT)] * 3
    gaps = [b - a for a, b in zip(gateway.download_times, gateway.download_times[1:])]
    assert all(gap >= 0.95 for gap in gaps), gaps  # Retry-After: 1
    assert both("unavailable") not in fake_telegram.texts(CHAT)
    assert both("pdf_pending") not in fake_telegram.texts(CHAT)


async def test_a_pdf_never_ready_gets_the_bilingual_notice_after_bounded_tries(bridge, fake_telegram, gateway):
    """Still rendering after the last try: the bilingual "being prepared, ask again" notice, no document."""
    gateway.pending["tok-never"] = 100
    gateway.replies["ja"] = _confirmation_reply("tok-never")
    fake_telegram.push_text(CHAT, "ja")
    messages = await fake_telegram.wait_for_messages(CHAT, 2, timeout=15)
    assert both("pdf_pending") in [m.get("text") for m in messages]
    assert "Eingangsbestätigung" in both("pdf_pending") and "confirmation of receipt" in both("pdf_pending")
    assert fake_telegram.sent_documents(CHAT) == []
    from bot.channels.telegram.bridge import PDF_TRIES

    assert len(gateway.download_times) == PDF_TRIES == 3


async def test_pdf_retries_stay_within_their_time_budget(bridge, fake_telegram, gateway, monkeypatch):
    """A long Retry-After is not waited out beyond the budget: the notice comes at once."""
    from bot.channels.telegram import bridge as bridge_module

    monkeypatch.setattr(bridge_module, "PDF_WAIT_BUDGET_S", 2.0)
    gateway.retry_after = "30"
    gateway.pending["tok-slow"] = 100
    gateway.replies["ja"] = _confirmation_reply("tok-slow")
    started = time.monotonic()
    fake_telegram.push_text(CHAT, "ja")
    messages = await fake_telegram.wait_for_messages(CHAT, 2, timeout=15)
    assert time.monotonic() - started < 8
    assert both("pdf_pending") in [m.get("text") for m in messages]
