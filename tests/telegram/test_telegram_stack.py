"""Full tests: the bridge against the fake Bot API and the real stack (gateway, Rasa, action
server, backend, clamd) from the session fixture ``stack`` (tests/fixtures/stack.py).

The conversation is driven by the assistant's own messages: each is recognised by the
response of domain/*.yml it was rendered from (tests/browser/enquiry_dialogue.py), and
buttons are pressed as a person would, by a callback query carrying the button's data.
"""

from __future__ import annotations

import asyncio
import io
import os
import time
from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio
from PIL import Image

from bot.channels.telegram import build_application, start, stop
from bot.channels.telegram.gateway import GatewayClient
from tests.browser.enquiry_dialogue import (
    ResponseTexts,
    assert_stored,
    eicar_pdf,
    english_person,
    german_person,
    small_pdf,
    stored_case,
    stored_uploads,
)
from tests.e2e.chat import telegram_internal_id
from tests.telegram.support import POLL_TIMEOUT_S, bridge_settings

pytestmark = [pytest.mark.asyncio, pytest.mark.stack, pytest.mark.slow]

MAX_TURNS = 30


class RecordingClient(GatewayClient):
    """The real gateway client, also keeping the assistant's answers (JSON) for the test."""

    def __init__(self, base_url: str, internal_token: str):
        super().__init__(base_url, internal_token)
        self.answers: list[dict[str, Any]] = []

    async def send_message(self, chat_id: int, text: str, language: str) -> list[dict[str, Any]]:
        answers = await super().send_message(chat_id, text, language)
        self.answers.extend(answers)
        return answers

    async def upload(self, *args: Any, **kwargs: Any):
        outcome = await super().upload(*args, **kwargs)
        self.answers.extend(outcome.messages)
        return outcome


@pytest_asyncio.fixture
async def live_bridge(stack, fake_telegram):
    """The bridge (polling the fake Bot API) against the real gateway of the stack."""
    settings = bridge_settings(fake_telegram, stack.gateway_url, internal_token=stack.settings.internal_token)
    client = RecordingClient(stack.gateway_url, stack.settings.internal_token)
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


def transcript(fake, chat_id: int) -> str:
    """The bot's side of the chat, for failure messages (test data only)."""
    return "\n---\n".join(m.get("text") or f"[document {m['document']['file_name']}]" for m in fake.messages(chat_id))


class TelegramUser:
    """Plays one person in a private chat: texts, documents, photos and button presses."""

    def __init__(self, application, client: RecordingClient, fake, chat_id: int, language: str):
        self.application, self.client, self.fake = application, client, fake
        self.chat_id, self.language = chat_id, language
        self.texts = ResponseTexts.load(language)
        self.seen = 0  # bot messages already handled

    async def say(self, text: str) -> None:
        """Sends a text message and waits for the bridge to finish the turn."""
        self.fake.push_text(self.chat_id, text, language_code=self.language)
        await settle(self.application, self.fake)

    async def send_document(self, filename: str, data: bytes) -> None:
        """Sends a file as a Telegram document."""
        self.fake.push_document(self.chat_id, filename, data, language_code=self.language)
        await settle(self.application, self.fake)

    async def send_photo(self, sizes: list[tuple[int, int, bytes]]) -> None:
        """Sends a photo (Telegram's list of sizes)."""
        self.fake.push_photo(self.chat_id, sizes, language_code=self.language)
        await settle(self.application, self.fake)

    async def press(self, payload: str) -> None:
        """Presses the inline button that carries the assistant's button with this payload."""
        offered = [b for m in self.client.answers for b in (m.get("buttons") or [])]
        button = next((b for b in reversed(offered) if b.get("payload") == payload), None)
        assert button, f"no button with payload {payload!r}:\n{transcript(self.fake, self.chat_id)}"
        keyboards = [m for m in self.fake.messages(self.chat_id) if m.get("reply_markup")]
        assert keyboards, f"no inline keyboard shown:\n{transcript(self.fake, self.chat_id)}"
        shown = [b for row in keyboards[-1]["reply_markup"]["inline_keyboard"] for b in row]
        [inline] = [b for b in shown if b["text"] == button["title"]]
        answered = len(self.fake.callback_answers)
        self.fake.press_button(self.chat_id, callback_data=inline["callback_data"], language_code=self.language)
        await settle(self.application, self.fake)
        assert len(self.fake.callback_answers) == answered + 1, "the callback query was not answered"
        [pressed] = [m for m in self.fake.messages(self.chat_id) if m["message_id"] == keyboards[-1]["message_id"]]
        assert "reply_markup" not in pressed, "the keyboard was not removed after the press"

    def new_names(self) -> list[str | None]:
        """Responses of the bot's messages not handled yet (documents are skipped)."""
        messages = self.fake.messages(self.chat_id)
        new, self.seen = messages[self.seen :], len(messages)
        return self.texts.names([m["text"] for m in new if "text" in m])


async def play_enquiry(user: TelegramUser, person, upload: tuple[str, bytes]) -> list[str]:
    """States the concern, uploads once when invited, answers every question, confirms."""
    await user.say(person.opener)
    asked: list[str] = []
    uploaded = False
    for _ in range(MAX_TURNS):
        names = user.new_names()
        if "utter_submitted" in names:
            return asked
        if not uploaded and "utter_upload_hint" in names:
            await user.send_document(*upload)
            uploaded = True
            names = names + user.new_names()
            assert "utter_upload_accepted" in names, transcript(user.fake, user.chat_id)
        questions = [n.removeprefix("utter_ask_") for n in names if n and n.startswith("utter_ask_")]
        assert questions, f"no question among {names}:\n{transcript(user.fake, user.chat_id)}"
        field = questions[-1]
        asked.append(field)
        assert asked.count(field) < 3, f"asked for {field} three times:\n{transcript(user.fake, user.chat_id)}"
        reply = person.reply_to(field, transcript(user.fake, user.chat_id))
        await (user.press(reply.payload) if reply.payload else user.say(reply.text))
    pytest.fail(f"no case number after {MAX_TURNS} turns:\n{transcript(user.fake, user.chat_id)}")


def jpeg(width: int, height: int) -> bytes:
    """A real JPEG photo of the given size (unique pixels: clamd caches clean results)."""
    image = Image.new("RGB", (width, height), tuple(os.urandom(3)))
    image.putpixel((0, 0), tuple(os.urandom(3)))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=80)
    return output.getvalue()


async def test_whole_enquiry_in_german_ends_with_the_confirmation_pdf(live_bridge, fake_telegram, stack):
    """Extension request over Telegram: PDF document, button presses, confirmation as a document."""
    application, client = live_bridge
    chat = 880001
    person = german_person(given="Leyla", family="Demir", born=date(1985, 8, 12))
    user = TelegramUser(application, client, fake_telegram, chat, "de")
    asked = await play_enquiry(user, person, upload=("Reisepass.pdf", small_pdf()))
    assert "confirmed" in asked and "purpose" in asked

    [document] = fake_telegram.sent_documents(chat)
    assert document.data.startswith(b"%PDF")
    [custom] = [a["custom"] for a in client.answers if (a.get("custom") or {}).get("type") == "confirmation_pdf"]
    assert document.filename == custom["filename"]
    assert custom["url"].startswith("/downloads/")
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        # Only through the bridge's authenticated route; the public route knows no chat ids.
        direct = await http.get(f"/internal/telegram{custom['url']}", headers={
            "X-Telegram-Chat": str(chat), "X-Internal-Token": stack.settings.internal_token})
        assert (await http.get(custom["url"], headers={"X-Conversation": f"tg-{chat}"})).status_code == 404
    assert direct.status_code == 200
    assert direct.content == document.data

    case = stored_case(stack.var_dir, telegram_internal_id(stack.var_dir, chat))
    assert_stored(case, person)
    assert case["case_number"] == custom["case_number"]
    assert case["attached"] == ["Reisepass.pdf"]
    assert any(case["case_number"] in text for text in fake_telegram.texts(chat)), transcript(fake_telegram, chat)

    await user.say("/confirmation")  # the command menu's "send my confirmation again"
    again = fake_telegram.sent_documents(chat)
    assert len(again) == 2 and again[-1].data.startswith(b"%PDF"), transcript(fake_telegram, chat)


async def test_infected_file_is_refused_with_a_message(live_bridge, fake_telegram, stack):
    """A PDF carrying EICAR sent over Telegram is found by clamd and refused; the user is told so."""
    application, client = live_bridge
    chat = 880002
    user = TelegramUser(application, client, fake_telegram, chat, "de")
    await user.say(german_person().opener)
    user.new_names()
    # Inside a real PDF: a bare EICAR file would be refused for its type before any scan.
    await user.send_document("Rechnung.pdf", eicar_pdf())

    names = user.new_names()
    assert "utter_upload_refused_infected" in names, transcript(fake_telegram, chat)
    assert "utter_upload_accepted" not in names
    assert any("EICAR" in t.upper() for t in fake_telegram.texts(chat)[-len(names) :])
    assert fake_telegram.sent_documents(chat) == []
    assert stored_uploads(stack.var_dir, telegram_internal_id(stack.var_dir, chat)) == []


async def test_photo_is_scanned_and_accepted_in_english(live_bridge, fake_telegram, stack):
    """A photo (Telegram's JPEG sizes) in an English chat: the largest size is scanned and kept."""
    application, client = live_bridge
    chat = 880003
    user = TelegramUser(application, client, fake_telegram, chat, "en")
    await user.say(english_person().opener)
    assert "utter_upload_hint" in user.new_names(), transcript(fake_telegram, chat)
    large = jpeg(640, 480)
    await user.send_photo([(90, 68, jpeg(90, 68)), (640, 480, large)])

    names = user.new_names()
    assert "utter_upload_accepted" in names, transcript(fake_telegram, chat)
    [stored] = stored_uploads(stack.var_dir, telegram_internal_id(stack.var_dir, chat))
    assert (stored["content_type"], stored["size"]) == ("image/jpeg", len(large))
    assert stored["filename"].startswith("photo-") and stored["filename"].endswith(".jpg")


async def until(condition, what: str, timeout: float = 60.0) -> None:
    """Waits for a condition to hold (the bridge in another process gives no other signal)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


async def test_bridge_process_started_by_the_supervisor(stack, fake_telegram):
    """`make run`'s way: the supervisor starts the bridge process; it greets, asks, takes a press."""
    chat = 880004
    texts = ResponseTexts.load("en")
    names = lambda: texts.names(fake_telegram.texts(chat))  # noqa: E731
    stack.start_service("telegram", **fake_telegram.settings_overrides())
    try:
        fake_telegram.push_text(chat, "/start", language_code="en")
        await until(lambda: "utter_greet" in names(), "the greeting")
        fake_telegram.push_text(chat, english_person("Mei", "Tanaka").opener, language_code="en")
        await until(lambda: "utter_ask_purpose" in names(), "the purpose question")
        [question] = [m for m in fake_telegram.messages(chat) if texts.identify(m.get("text", "")) == "utter_ask_purpose"]
        first = question["reply_markup"]["inline_keyboard"][0][0]
        fake_telegram.press_button(chat, callback_data=first["callback_data"], language_code="en")
        await until(lambda: "utter_ask_given_names" in names(), "the question after the purpose")
        assert None not in names(), fake_telegram.texts(chat)  # every message is one of the assistant's
    finally:
        stack.stop_service("telegram")
    logged = stack.log_path("telegram").read_text()
    for secret in (fake_telegram.token, str(chat), "Tanaka"):
        assert secret not in logged
