"""General questions through the public chat API, in German and English, worded as clients write.

Each answer must carry the office's published facts (content/knowledge.yml) in the
client's language; fees are computed when the client names the matter and an age.
"""

from __future__ import annotations

import pytest

from tests.answers.helpers import INVENTED, assert_contains_all, assert_in_language, payloads
from tests.answers.messages import FAQ, FEE_QUOTES, NOT_COVERED
from tests.e2e.chat import Chat

pytestmark = pytest.mark.slow

CASES = [(topic, lang, message, words) for topic, langs in FAQ.items()
         for lang, (messages, words) in langs.items() for message in messages]


@pytest.mark.parametrize(("topic", "language", "message", "words"), CASES,
                         ids=[f"{t}-{l}-{i}" for i, (t, l, _, _) in enumerate(CASES)])
def test_question_is_answered_with_the_published_facts(stack, topic, language, message, words):
    chat = Chat(stack.gateway_url)  # no preset: the language comes from the message
    chat.say(message)
    assert_contains_all(chat.text, words)
    assert_in_language(chat, language)


@pytest.mark.parametrize(("language", "message", "amount"),
                         [(lang, m, a) for lang, pairs in FEE_QUOTES.items() for m, a in pairs])
def test_fee_is_computed_for_the_named_case_and_age(stack, language, message, amount):
    chat = Chat(stack.gateway_url)
    chat.say(message)
    assert amount in chat.text, chat.text
    assert_in_language(chat, language)


@pytest.mark.parametrize(("language", "message"), [(lang, m) for lang, ms in NOT_COVERED.items() for m in ms])
def test_question_beyond_the_published_facts_gets_an_honest_answer_and_an_offer(stack, language, message):
    chat = Chat(stack.gateway_url)
    chat.say(message)
    honest = {"de": "keine verlässliche Auskunft", "en": "no reliable information"}[language]
    assert honest in chat.text, chat.text
    assert not INVENTED.search(chat.text), chat.text
    assert_in_language(chat, language)
    assert "/enquiry_other" in payloads(chat)
    # The offer works: the button starts the enquiry, still in the client's language.
    chat.press({"de": "Sonstige Frage", "en": "Other question"}[language])
    assert_in_language(chat, language)
    assert {"de": "Anliegen", "en": "matter"}[language].lower() in chat.text.lower() or chat.buttons, chat.text
