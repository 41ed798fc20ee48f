"""Conversation takeover from the public chat API, as issue 12 observed it, now refused.

An attacker knows a Telegram chat id (they are not secret), guesses short web ids, or
has learned an internal conversation id (from a database row or an old log). None of
it reaches another client's conversation, its summary or its confirmation PDF.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.chat import Chat, internal_id
from tests.faults.helpers import start_other_enquiry

pytestmark = pytest.mark.slow

ASK_FOR_DATA = ["send my confirmation again", "hello?", "what are my details?"]


def _say(stack, sender: str, text: str) -> httpx.Response:
    return httpx.post(f"{stack.gateway_url}/webhooks/rest/webhook", timeout=60,
                      json={"sender": sender, "message": text, "metadata": {"language": "en"}})


def _assert_nothing_of(victim, response: httpx.Response, sender: str = "") -> None:
    """No value of the victim's enquiry and no PDF in an answer to someone else (the
    attacker's own sender comes back as recipient_id, whatever it contains)."""
    text = response.text.replace(sender, "<own sender>") if sender else response.text
    leaked = [value for value in [*victim.secrets(), victim.case_number] if value in text]
    assert not leaked, f"answer to the attacker shows {leaked}"
    assert "confirmation_pdf" not in response.text


@pytest.mark.parametrize("sender", ["a", "demo-1", "aaaaaaaaaaaaaaaaaaaaaaaa", "tg-12345"])
def test_guessable_web_ids_are_refused_in_both_languages(stack, sender):
    response = _say(stack, sender, "hello?")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "zufällig" in detail and "random" in detail
    assert len(sender) < 5 or sender not in response.text  # no input echoed


def test_a_telegram_chat_id_reaches_nothing_from_the_public_api(stack, telegram_victim):
    """`tg-<chat id>` and every padded variant of it: refused or a fresh, empty conversation."""
    chat_id = telegram_victim.chat_id
    for sender in (f"tg-{chat_id}", f"tg-{chat_id}-{'0' * 16}", f"tg-{chat_id}_Xq9Lm2Vb7RtK4pWz",
                   telegram_victim.conversation_id, telegram_victim.conversation_id.removeprefix("tg-")):
        for text in ASK_FOR_DATA:
            response = _say(stack, sender, text)
            assert response.status_code in (200, 400), response.text
            _assert_nothing_of(telegram_victim, response, sender)
    # Nor through the bridge's route without the service token.
    for token in ("", "dev-internal-token", stack.settings.internal_token[:-1] + "x"):
        response = httpx.post(f"{stack.gateway_url}/internal/telegram/messages", timeout=60,
                              headers={"X-Internal-Token": token},
                              json={"chat_id": chat_id, "message": "send my confirmation again"})
        assert response.status_code == 404
        _assert_nothing_of(telegram_victim, response)


def test_a_web_conversation_cannot_be_continued_with_its_internal_id(stack, web_victim):
    """Whoever learned the internal id (a row, a log line) lands in a conversation of their own."""
    for sender in (web_victim.conversation_id, web_victim.conversation_id.removeprefix("web-")):
        for text in ASK_FOR_DATA:
            response = _say(stack, sender, text)
            assert response.status_code == 200, response.text
            _assert_nothing_of(web_victim, response, sender)


def test_mid_enquiry_a_stranger_sees_no_summary(stack):
    """The issue's second observation: "hello?" mid-enquiry showed name, date of birth, e-mail."""
    victim = Chat(stack.gateway_url, language="en")
    start_other_enquiry(victim)
    victim.say("Zofia Midenquiry")
    for sender in (victim.sender[:-1] + ("0" if victim.sender[-1] != "0" else "1"),
                   internal_id(stack.var_dir, victim.sender), str(uuid.uuid4())):
        response = _say(stack, sender, "hello?")
        assert response.status_code == 200 and "Midenquiry" not in response.text
    victim.say("14.07.1983")
    assert "nationality" in victim.text  # the victim's own conversation is untouched


def test_answers_name_the_client_never_the_internal_id(stack):
    chat = Chat(stack.gateway_url, language="en")
    answers = chat.say("hello")
    assert answers and {m["recipient_id"] for m in answers} == {chat.sender}
    response = _say(stack, chat.sender, "/enquiry_other")
    assert internal_id(stack.var_dir, chat.sender) not in response.text
    assert {m["recipient_id"] for m in response.json()} == {chat.sender}
