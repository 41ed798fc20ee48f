"""The conversation's language through the public chat API: detected, kept, switched on request."""

from __future__ import annotations

import pytest

from tests.answers.helpers import assert_in_language
from tests.answers.messages import SWITCH_REQUESTS
from tests.e2e.chat import Chat

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("preset", "expected"), [("de", "de"), ("en", "en"), ("de-AT", "de"), ("en_GB", "en")])
def test_an_ambiguous_hi_follows_the_channels_preset(stack, preset, expected):
    chat = Chat(stack.gateway_url, language=preset)
    chat.say("hi")
    assert_in_language(chat, expected)


def test_german_page_but_english_message_answers_in_english(stack):
    chat = Chat(stack.gateway_url, language="de")
    chat.say("hello, what documents do i have to bring?")
    assert "passport" in chat.text
    assert_in_language(chat, "en")


def test_mixed_greeting_asking_for_english_switches(stack):
    chat = Chat(stack.gateway_url)
    chat.say("hallo, do you speak english?")
    assert_in_language(chat, "en")
    chat.say("ok")  # a word both languages use keeps the conversation's language
    assert_in_language(chat, "en")


def test_switch_both_ways_and_keep_the_language(stack):
    chat = Chat(stack.gateway_url, language="de")
    chat.say("Hallo")
    assert_in_language(chat, "de")
    chat.say("can we speak English?")
    assert "English" in chat.text
    assert_in_language(chat, "en")
    chat.say("wat does it cost")
    assert "EUR 96" in chat.text
    assert_in_language(chat, "en")
    chat.say("bitte auf Deutsch")
    assert "Deutsch" in chat.text
    assert_in_language(chat, "de")
    chat.say("ok danke")
    assert_in_language(chat, "de")


@pytest.mark.parametrize(("message", "expected"), SWITCH_REQUESTS)
def test_switch_requests_with_negations_and_typos(stack, message, expected):
    start = "en" if expected == "de" else "de"
    chat = Chat(stack.gateway_url, language=start)
    chat.say({"de": "hallo", "en": "hello"}[start])
    assert_in_language(chat, start)
    chat.say(message)
    assert_in_language(chat, expected)


def test_clearly_writing_in_the_other_language_switches(stack):
    chat = Chat(stack.gateway_url, language="en")
    chat.say("hello")
    assert_in_language(chat, "en")
    chat.say("ich habe eine frage zu den gebuehren fuer die verlaengerung")
    assert "96 Euro" in chat.text
    assert_in_language(chat, "de")
