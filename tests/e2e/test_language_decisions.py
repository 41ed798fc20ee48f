"""Language decisions through the whole product (Rasa's language policy and the conversation
model together): a language spoken at the office is a question answered honestly, not a switch;
a request with a question switches and answers it in the new language."""

from __future__ import annotations

import pytest

from tests.e2e.chat import Chat

pytestmark = pytest.mark.slow

SWITCHED = {"de": "ich schreibe ab jetzt auf Deutsch", "en": "I will continue in English"}
PHONES = "99-2421"


@pytest.mark.parametrize("language, text, honest", [
    ("de", "Spricht bei euch vor Ort jemand Englisch?", "keine verlässliche Auskunft"),
    ("en", "Will I be able to talk English during the appointment?", "no reliable information"),
])
def test_a_language_spoken_at_the_office_is_answered_not_switched(stack, language, text, honest):
    chat = Chat(stack.gateway_url, language=language)
    chat.say(text)
    assert honest in chat.text and PHONES in chat.text, chat.text
    assert not any(s in chat.text for s in SWITCHED.values()), chat.text


@pytest.mark.parametrize("start, text, language, answer", [
    # the answer's wording is the new language's ("EUR 96", not "96 Euro"; "Termin", not "appointment")
    ("de", "could you switch to English please, and what's the fee to extend a Blue Card", "en", "EUR 96"),
    ("en", "auf Deutsch bitte, und brauche ich einen Termin für die Abholung?", "de", "Termin"),
])
def test_a_request_with_a_question_switches_and_answers(stack, start, text, language, answer):
    chat = Chat(stack.gateway_url, language=start)
    chat.say(text)
    assert SWITCHED[language] in chat.text and answer in chat.text, chat.text
