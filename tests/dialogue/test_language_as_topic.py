"""A language named as what a question asks about ("does my wife need German language skills?")
is no request to switch; the published information does not answer it, nor where the office
is or when it is open: the honest answer with the phone numbers, in the conversation's
language, outside and inside the form (whose question then stays asked)."""

from __future__ import annotations

import pytest

from actions.dialogue.commands import NotCovered
from actions.dialogue.executor import FormState, execute_in_form
from actions.dialogue.understand import Context, FormReading, Parse, interpret_in_form
from bot.language import choose_language, language_as_topic, requested_language
from tests.dialogue.helpers import conversation, form_turn, said, turn

PHONES = "99-2421"
LANGUAGE_QUESTIONS = [
    ("en", "Does my wife need German language skills to join me here?"),
    ("en", "does she have to speak German?"),
    ("en", "Does my husband need to learn English before he comes?"),
    ("en", "is a german course required for my spouse"),
    ("de", "Muss meine Frau Deutschkenntnisse nachweisen?"),
    ("de", "Muss mein Mann Deutsch sprechen, wenn er nachzieht?"),
    ("de", "Braucht meine Tochter einen Deutschkurs?"),
    ("de", "muss mein Sohn erst Deutsch lernen?"),
]
OFFICE_QUESTIONS = [
    ("en", "where exactly is your office and when is it open?"),
    ("en", "Where is the office located? And what are your office hours?"),
    ("de", "wo ist eure Behörde und wann habt ihr offen?"),
    ("de", "Wo befindet sich das Amt und wann ist es geöffnet?"),
]


@pytest.mark.parametrize("language, text", LANGUAGE_QUESTIONS)
def test_a_language_as_topic_is_no_switch(language, text):
    assert language_as_topic(text) or "kurs" in text  # ("Deutschkurs" names no language on its own)
    assert requested_language(text) is None
    # An English conversation stays English on an English question naming German (and vice versa).
    assert choose_language(text, language, None) == language
    assert choose_language(text, None, language) == language
    assert not any(c.startswith("switch") for c in turn(text, intent="switch_language"))


@pytest.mark.parametrize("language, text", LANGUAGE_QUESTIONS + OFFICE_QUESTIONS)
@pytest.mark.parametrize("intent", [None, "faq_status", "faq_documents", "switch_language"])
def test_language_skills_and_the_office_are_not_covered(language, text, intent):
    assert turn(text, intent=intent) == ["not_covered"]


@pytest.mark.parametrize("language, text", LANGUAGE_QUESTIONS + OFFICE_QUESTIONS)
def test_the_honest_answer_is_said_once_in_the_conversations_language(language, text):
    [outcome] = conversation([text], language=language)
    reply = said(outcome)
    assert PHONES in reply and reply.count(PHONES) == 1
    assert ("keine verlässliche Auskunft" in reply) == (language == "de")
    assert ("no reliable information" in reply) == (language == "en")


@pytest.mark.parametrize("language, text", LANGUAGE_QUESTIONS + OFFICE_QUESTIONS)
@pytest.mark.parametrize("intent", [None, "faq_status"])
def test_in_the_form_the_honest_answer_and_the_field_stays_asked(language, text, intent):
    assert form_turn(text, "email", intent=intent) == ["not_covered"]
    commands = interpret_in_form(Parse(text, intent, 0.9 if intent else 0.0),
                                 Context(requested="email", concern="residence_permit_extension",
                                         reading=FormReading()))
    form = FormState(requested="email", fields=("email",), values={}, labels={"email": "Email"},
                     optional=frozenset(), skipped=(), groups={}, store=lambda n, v: {n: str(v)})
    outcome = execute_in_form(commands, Context(language=language, requested="email",
                                                concern="residence_permit_extension"), form)
    assert isinstance(commands[0], NotCovered)
    assert outcome.moved and PHONES in outcome.replies[0].text
    assert "status" not in outcome.replies[0].text.lower() and "stand" not in outcome.replies[0].text.lower()
    assert set(outcome.updates) <= {"question_frame"}  # nothing stored: the form asks for the e-mail again


# -- regressions: requests still switch, the status question is still the status ---------------

@pytest.mark.parametrize("text, language", [
    ("can we speak English?", "en"), ("bitte auf Deutsch", "de"), ("in English please", "en"),
    ("auf Deutsch bitte", "de"), ("Können Sie Englisch sprechen?", "en"), ("could you reply in English", "en"),
    ("I am learning German, but please answer in English", "en"), ("English", "en"), ("deutsch?", "de"),
])
def test_a_request_still_switches(text, language):
    assert requested_language(text) == language
    assert choose_language(text, "en" if language == "de" else "de", None) == language
    assert f"switch {language}" in turn(text)


@pytest.mark.parametrize("text", ["Wie ist der Stand meines Antrags?", "any news on my application?"])
def test_the_status_question_is_still_the_status(text):
    assert turn(text) == ["ask status"]
    assert form_turn(text, "email") == ["ask status extension"]
