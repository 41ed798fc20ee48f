"""Victims for the attack suite: one finished web enquiry and one finished Telegram enquiry.

Both run once per session against the real stack; the Telegram one through the real
bridge process (started by the supervisor, as `make run` does) and the fake Bot API.
The fixtures record every secret and personal value they used, so the tests can try
them as an attacker would and look for them in every log.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field

import pytest

from tests.e2e.chat import Chat, fetch_confirmation, internal_id, minimal_pdf, telegram_internal_id
from tests.faults.helpers import QUESTIONS, SUMMARY, answer_until_summary, backend_rows, person, start_other_enquiry
from tests.fixtures.fake_telegram import FakeTelegram

CASE_NUMBER = re.compile(r"case number is\D*?([A-Z]+-\d{4}-(?:[0-9A-Z]{4}-[0-9A-Z]{4}|\d+))", re.IGNORECASE)
# The follow-up key, shown only in the client's own chat (never in a log).
FOLLOW_UP_KEY = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
TURN_TIMEOUT_S = 60.0


@dataclass
class Victim:
    """What one finished enquiry used and produced (test data only)."""

    channel: str
    answers: dict[str, str]
    conversation_id: str  # internal
    case_number: str
    pdf: bytes
    download_url: str
    sender: str = ""  # web only
    chat_id: int = 0  # Telegram only
    filename: str = ""
    extra_secrets: list[str] = field(default_factory=list)

    @property
    def token(self) -> str:
        return self.download_url.rsplit("/", 1)[-1]

    def secrets(self) -> list[str]:
        """Every value that must never show up in a log or in another client's answers
        (the case number may be logged: staff look cases up by it)."""
        given, family = self.answers["name"].split(" ", 1)
        values = [self.conversation_id, self.token, family, self.answers["email"],
                  self.answers["date_of_birth"], "1983-07-14", self.filename, *self.extra_secrets]
        if self.sender:
            values.append(self.sender)
        if self.chat_id:
            values.append(str(self.chat_id))
        return [v for v in values if v]


@pytest.fixture(scope="session")
def web_victim(stack) -> Victim:
    """A finished web enquiry with an uploaded file and a downloaded confirmation."""
    chat = Chat(stack.gateway_url, language="en")
    answers = person("Webvictim")
    answers["email"] = "zofia.webvictim@example.net"
    start_other_enquiry(chat)
    chat.say(answers["name"])
    filename = "Reisepass_Webvictim.pdf"
    assert chat.upload(filename, minimal_pdf("Webvictim"))["accepted"]
    answer_until_summary(chat, answers)
    chat.press("send it")
    [case] = backend_rows(stack.var_dir, chat.sender)
    [payload] = [c for c in chat.custom if c.get("type") == "confirmation_pdf"]
    pdf = fetch_confirmation(stack.gateway_url, payload["url"], chat.sender)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    keys = FOLLOW_UP_KEY.findall("\n".join(chat.transcript))
    assert len(keys) == 1, chat.transcript[-3:]
    return Victim("web", answers, internal_id(stack.var_dir, chat.sender), case["case_number"], pdf.content,
                  payload["url"], sender=chat.sender, filename=filename, extra_secrets=keys)


@pytest.fixture(scope="session")
def fake_bot_api():
    with FakeTelegram() as fake:
        yield fake


class TelegramChat:
    """Plays a Telegram user against the bridge process (it gives no signal but its messages)."""

    def __init__(self, fake: FakeTelegram, chat_id: int):
        self.fake, self.chat_id = fake, chat_id

    @property
    def last_text(self) -> str:
        texts = self.fake.texts(self.chat_id)
        return texts[-1] if texts else ""

    def _wait(self, before: int, done) -> None:
        deadline = time.monotonic() + TURN_TIMEOUT_S
        while not (len(self.fake.messages(self.chat_id)) > before and done()):
            assert time.monotonic() < deadline, f"no answer; the bot said: {self.fake.texts(self.chat_id)[-3:]}"
            time.sleep(0.1)

    def turn(self, send, done) -> None:
        before = len(self.fake.messages(self.chat_id))
        send()
        self._wait(before, done)

    def asked(self) -> str | None:
        for pattern, name in QUESTIONS.items():
            if re.search(pattern, self.last_text, re.IGNORECASE):
                return name
        return None

    def waiting(self) -> bool:
        """The bot's last text asks a question, shows the summary or gives the case number."""
        return bool(self.asked() or SUMMARY in self.last_text or CASE_NUMBER.search(self.last_text))

    def say(self, text: str) -> None:
        self.turn(lambda: self.fake.push_text(self.chat_id, text, language_code="en"), self.waiting)

    def press(self, payload: str, done=None) -> None:
        # Short payloads travel as the callback_data itself (bot/channels/telegram/keyboard.py).
        self.turn(lambda: self.fake.press_button(self.chat_id, callback_data=payload, language_code="en"),
                  done or self.waiting)


@pytest.fixture(scope="session")
def telegram_victim(stack, fake_bot_api) -> Victim:
    """A finished Telegram enquiry through the bridge process, ending with the PDF as a document."""
    chat_id = random.randint(10**8, 10**9)
    answers = person("Tgvictim")
    answers["email"] = "zofia.tgvictim@example.net"
    user = TelegramChat(fake_bot_api, chat_id)
    stack.start_service("telegram", **fake_bot_api.settings_overrides())
    try:
        user.press("/enquiry_other")
        for _ in range(12):
            if SUMMARY in user.last_text:
                break
            field_name = user.asked()
            assert field_name, user.fake.texts(chat_id)[-3:]
            user.say(answers[field_name])
        # The PDF as a document, then the follow-up key as a text.
        user.press("/affirm", done=lambda: bool(fake_bot_api.sent_documents(chat_id)) and bool(
            FOLLOW_UP_KEY.search("\n".join(fake_bot_api.texts(chat_id)))))
    finally:
        stack.stop_service("telegram")
    texts = "\n".join(fake_bot_api.texts(chat_id))
    case_number = CASE_NUMBER.search(texts).group(1)
    [document] = fake_bot_api.sent_documents(chat_id)
    download = [p["url"] for p in _confirmation_payloads(stack, telegram_internal_id(stack.var_dir, chat_id))]
    keys = FOLLOW_UP_KEY.findall(texts)
    assert len(keys) == 1, fake_bot_api.texts(chat_id)[-3:]
    return Victim("telegram", answers, telegram_internal_id(stack.var_dir, chat_id), case_number, document.data,
                  download[-1] if download else "", chat_id=chat_id, extra_secrets=[fake_bot_api.token, *keys])


def _confirmation_payloads(stack, conversation_id: str) -> list[dict]:
    """The confirmation payloads Rasa sent in a conversation (read from its tracker, as an
    operator could; the attack tests use the token as a leaked one)."""
    import json
    import sqlite3

    conn = sqlite3.connect(stack.var_dir / "tracker.sqlite3")
    try:
        rows = conn.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot'", (conversation_id,))
        payloads = []
        for (data,) in rows:
            custom = (json.loads(data).get("data") or {}).get("custom") or {}
            if custom.get("type") == "confirmation_pdf":
                payloads.append(custom)
        return payloads
    finally:
        conn.close()
