"""bot/language.py: which language a message is in, and explicit requests to switch."""

from __future__ import annotations

import pytest

from bot.language import (
    choose_language, detect_language, language_after_message, language_words, normalise_language_code,
    requested_language,
)
from tests.nlu.nlu_data import HELD_OUT_DIR, LANGUAGES, TRAINING_DIR, read_examples


@pytest.mark.parametrize(("text", "expected"), [
    ("can we speak English?", "en"), ("hallo, do you speak english?", "en"), ("sprechen Sie Englisch", "en"),
    ("kann ich englisch schreiben", "en"), ("englsh pls", "en"), ("Englisch?", "en"), ("in english", "en"),
    ("bitte auf Deutsch", "de"), ("deutch bitte", "de"), ("können wir auf deutsch weitermachen", "de"),
    ("German", "de"), ("switch to german", "de"),
])
def test_explicit_requests(text, expected):
    assert requested_language(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("I don't speak German", "en"), ("i cant speak german sorry", "en"), ("ich spreche kein Deutsch", "en"),
    ("ich spreche kein englisch", "de"), ("my german is bad", "en"), ("mein Englisch ist nicht so gut", "de"),
    ("mein deutsch ist nicht so gut, englisch bitte", "en"), ("no german please", "en"),
])
def test_negated_or_poor_language_asks_for_the_other(text, expected):
    assert requested_language(text) == expected


@pytest.mark.parametrize("text", [
    "I am German", "ich bin deutsch", "Staatsangehörigkeit: deutsch", "I want to become a German citizen",
    "ich will deutsch lernen", "Can I upload documents in English?", "Kann ich die Unterlagen auf Englisch schicken?",
    "deutsch oder englisch?", "I live in Germany", "hi", "/switch_language",
])
def test_mentions_that_are_no_request(text):
    assert requested_language(text) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_switch_example_naming_a_language_is_understood_as_a_request(language):
    """The NLU intent and the slot logic agree: else the bot says "I'll continue in German" in English."""
    for path in [TRAINING_DIR / language / "general.yml", HELD_OUT_DIR / f"{language}.yml"]:
        for intent, text in read_examples(path):
            named = any(name.search(text) for name in language_words().names.values())
            if intent == "switch_language" and named:
                assert requested_language(text) is not None, f"{path.name}: {text!r}"
            elif intent != "switch_language":
                assert requested_language(text) is None, f"{path.name}: {intent}: {text!r}"


@pytest.mark.parametrize(("text", "expected"), [
    ("moin", "de"), ("hello?", "en"), ("wie viel kostet das", "de"), ("how much does it cost", "en"),
    ("Verlängerung", "de"), ("asdfgh", None), ("????", None), ("hi", None), ("ok", None),
])
def test_detection_of_short_messages(text, expected):
    assert detect_language(text) == expected


def test_first_message_follows_the_channel_preset_when_it_is_ambiguous():
    assert choose_language("hi", None, "en") == "en"
    assert choose_language("hi", None, "de") == "de"
    assert choose_language("hi", None, None) == "de"  # the office's language
    assert choose_language("hello, what do I need to bring?", None, "de") == "en"


def test_ongoing_conversation_keeps_its_language_on_single_words():
    for word in ("ok", "danke", "thanks", "Türkei", "12.03.1990", "/affirm"):
        assert choose_language(word, "en", "de") == "en"
        assert choose_language(word, "de", "en") == "de"


def test_ongoing_conversation_switches_on_a_clear_sentence_in_the_other_language():
    assert choose_language("ich habe eine frage zu den gebühren", "en", None) == "de"
    assert choose_language("what do i have to bring to the appointment", "de", None) == "en"


@pytest.mark.parametrize(("code", "expected"), [("de-AT", "de"), ("en_GB", "en"), ("EN", "en"), ("tr", None), ("", None), (None, None)])
def test_channel_codes(code, expected):
    assert normalise_language_code(code) == expected


def test_rasa_decides_from_the_tracker_what_the_action_used_to():
    # bot/language_policy.py passes the slot, the preset and whether the assistant answered yet.
    assert language_after_message("hi", "de", "en", answered_before=False) == "en"  # default slot is no evidence
    assert language_after_message("hi", "de", "en", answered_before=True) == "de"
    assert language_after_message("what do i have to bring to the appointment", "de", None, True) == "en"
    assert language_after_message("English please", "de", "de", True) == "en"
