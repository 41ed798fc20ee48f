"""Turns Rasa can answer alone make no round trip to the action server (issue 17)."""

from __future__ import annotations

from tests.e2e.chat import Chat


def test_the_language_is_chosen_inside_rasa_even_with_the_action_server_down(stack):
    chat = Chat(stack.gateway_url, language="de")
    stack.stop_service("actions")
    try:
        chat.say("Hello, good morning")  # clearly English on a German page: the first message decides
        assert "digital assistant" in chat.text and "Guten Tag" not in chat.text, chat.text
        chat.say("Hallo, guten Tag")  # a clear German greeting switches back
        assert "Guten Tag!" in chat.text, chat.text
        chat.say("hi")  # a single word keeps the conversation's language
        assert "Guten Tag!" in chat.text, chat.text
    finally:
        stack.start_service("actions")
