"""Greetings, thanks, insults, nonsense, other offices' matters and the two-stage fallback.

Through the public chat API; every reply polite and in the client's language.
"""

from __future__ import annotations

import pytest

from tests.answers.helpers import assert_in_language, payloads
from tests.answers.messages import GIBBERISH, GREETINGS, INSULTS, OTHER_OFFICES, SHORT, THANKS
from tests.e2e.chat import Chat

pytestmark = pytest.mark.slow

GREETING = {"de": "Guten Tag", "en": "Hello"}
CONCERN_PAYLOADS = {"/enquiry_extend_permit", "/enquiry_new_permit", "/enquiry_other"}


def _pairs(table: dict) -> list[tuple[str, str]]:
    return [(lang, m) for lang, ms in table.items() for m in ms]


@pytest.mark.parametrize(("language", "message"), _pairs(GREETINGS) + _pairs(SHORT))
def test_greeting_is_answered_in_the_clients_language(stack, language, message):
    chat = Chat(stack.gateway_url)
    chat.say(message)
    assert GREETING[language] in chat.text, chat.text
    assert_in_language(chat, language)


@pytest.mark.parametrize(("language", "message"), _pairs(THANKS))
def test_thanks(stack, language, message):
    chat = Chat(stack.gateway_url, language=language)
    chat.say(message)
    assert {"de": "Gern geschehen", "en": "welcome"}[language] in chat.text, chat.text
    assert_in_language(chat, language)


@pytest.mark.parametrize(("language", "message"), _pairs(INSULTS))
def test_insult_gets_a_calm_offer_of_help(stack, language, message):
    chat = Chat(stack.gateway_url, language=language)
    chat.say(message)
    assert {"de": "helfen", "en": "help"}[language] in chat.text, chat.text
    assert_in_language(chat, language)


@pytest.mark.parametrize(("language", "message"), _pairs(OTHER_OFFICES))
def test_other_offices_matter_is_declined_politely(stack, language, message):
    """Issue 13: the sources are silent, so no "not responsible" claim: no information here,
    and how to reach the office (a written question, appointments in the menu)."""
    chat = Chat(stack.gateway_url)
    chat.say(message)
    assert {"de": "keine verlässliche Auskunft", "en": "no reliable information"}[language] in chat.text, chat.text
    assert {"de": "nicht zuständig", "en": "not responsible"}[language] not in chat.text
    assert "99-2421" in chat.text  # how to reach the office (seed 002's numbers, content/knowledge.yml)
    assert "/enquiry_other" in payloads(chat)
    assert_in_language(chat, language)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("message", GIBBERISH)
def test_nonsense_gets_no_answer_but_a_way_on(stack, language, message):
    chat = Chat(stack.gateway_url, language=language)
    chat.say(message)
    # Either "did you mean ...?" (with a menu button) or the menu itself: never an answer
    # to a question nobody asked.
    assert "/show_menu" in payloads(chat) or CONCERN_PAYLOADS <= set(payloads(chat)), chat.last
    assert "Euro" not in chat.text and "EUR" not in chat.text
    assert_in_language(chat, language)


@pytest.mark.parametrize("language", ["de", "en"])
def test_two_stage_fallback_offers_options_then_the_menu_of_concerns(stack, language):
    chat = Chat(stack.gateway_url, language=language)
    chat.say("????")
    if CONCERN_PAYLOADS <= set(payloads(chat)):
        # No likely meaning at all ("????"): the fallback goes straight to the menu
        # (stage 1 with real options is unit-tested in tests/actions/test_fallback.py).
        assert_in_language(chat, language)
        return
    assert {"de": "Meinten Sie", "en": "Did you mean"}[language] in chat.text, chat.text
    assert "/show_menu" in payloads(chat)
    assert_in_language(chat, language)
    chat.say("?? ??")
    assert {"de": "nicht verstanden", "en": "did not understand"}[language] in chat.text, chat.text
    assert CONCERN_PAYLOADS <= set(payloads(chat)), payloads(chat)
    assert_in_language(chat, language)


@pytest.mark.parametrize(("language", "message"), [("de", "Ich möchte mich einbürgern lassen, wie geht das?"),
                                                   ("en", "How do I apply for naturalisation?")])
def test_naturalisation_gets_an_honest_answer(stack, language, message):
    """The seeds say nothing about naturalisation (FIELD-NOTES: the Berlin LEA handles it since
    2024): the assistant says it has no information here and how to reach the office."""
    chat = Chat(stack.gateway_url, language=language)
    chat.say(message)
    honest = {"de": "keine verlässliche Auskunft", "en": "no reliable information"}[language]
    assert honest in chat.text and "99-2421" in chat.text, chat.text
    assert {"de": "nicht zuständig", "en": "not responsible"}[language] not in chat.text
    assert "/enquiry_other" in payloads(chat)
