"""A need stated beside a question, information asked for, and a question the NLU reads as an
addition to a case: each is what the client asks.

- "I'm on a visa and need a residence permit, what does it cost?": the permit is issued (100 EUR),
  not the visa extended; whether a title is needed at all is asked only as a question
  (content/questions.yml titles `in_question`, matter issue).
- "telefonnummer für termin": the phone numbers, never the form (content/questions.yml asked_for).
- "my kids 8 and 10 come along" with no case named: answered, not how to add to a case
  (content/questions.yml case_words; actions/follow_up.ActionAddToCase)."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.follow_up import ActionAddToCase
from tests.dialogue.helpers import conversation, said, turn


@pytest.mark.parametrize("language, text", [
    ("en", "I came on a work visa and now need a residence permit - how much will that be?"),
    ("en", "I'm here with a student visa and need a residence permit. What's the fee?"),
    ("de", "Ich habe ein Arbeitsvisum und brauche jetzt eine Aufenthaltserlaubnis, was muss ich zahlen?"),
    ("de", "Ich bin mit einem Studentenvisum hier und ich brauche eine Aufenthaltserlaubnis. Wie teuer ist das?"),
])
def test_a_permit_needed_while_on_a_visa_is_its_issue_fee(language, text):
    commands = turn(text)
    assert len(commands) == 1 and commands[0].startswith("ask fee issue"), commands
    answer = said(conversation([text], language)[-1])
    assert "100" in answer and "96" not in answer and "25" not in answer, answer


@pytest.mark.parametrize("text, person", [
    ("Does my sister need a residence permit?", "relative"),
    ("Will my son need a visa?", "child"),
    ("Braucht mein Bruder eine Aufenthaltserlaubnis?", "relative"),
    ("Brauche ich als Kanadier eine Aufenthaltserlaubnis?", None),
])
def test_whether_a_title_is_needed_is_still_that_question(text, person):
    [command] = turn(text)
    assert command.startswith("ask titles") and (person is None or command.endswith(person)), command


def test_a_verb_form_one_letter_apart_is_no_question_of_needing_a_title():
    # "brauche" (I need, a statement) is not "braucht" (does she need): read without typos.
    assert not any(c.startswith("ask titles") for c in turn(
        "Ich habe ein Visum und brauche eine Aufenthaltserlaubnis, was kostet das?"))


@pytest.mark.parametrize("text", [
    "telefonnumer fuer termin",
    "telefonnumer fur terminvereinbarung bitte",
    "phone numbr for appointments pls",
    "welche nummer für einen termin",
])
@pytest.mark.parametrize("intent", [None, "enquiry_appointment"])
def test_a_phone_number_asked_for_is_given_not_the_form(text, intent):
    commands = turn(text, intent=intent)
    assert commands and commands[0].startswith("ask appointments") and not any(c.startswith("start") for c in commands)
    assert "99-2421" in said(conversation([text])[-1])


def test_a_phone_number_given_with_a_request_still_starts_the_form():
    assert turn("Ich möchte einen Termin, meine Telefonnummer ist 0151 2345678", intent="enquiry_appointment") == [
        "start appointment"]


def tracker(text, intent, language="en"):
    return Tracker(sender_id="unit-test", slots={"language": language},
                   latest_message={"text": text, "intent": {"name": intent, "confidence": 0.8},
                                   "intent_ranking": [{"name": intent, "confidence": 0.8}], "entities": []},
                   events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")


@pytest.mark.parametrize("language, text, words", [
    ("en", "both my children, 7 and 9, would come along", ["6", "in person"]),
    ("de", "meine Tochter ist 4, muss die mit?", ["6"]),
])
def test_a_question_read_as_an_addition_without_a_case_is_answered(language, text, words):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAddToCase().run(dispatcher, tracker(text, "add_to_case", language), {}))
    texts = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert all(w in texts for w in words), dispatcher.messages
    assert not any(m.get("response") == "utter_follow_up_how" for m in dispatcher.messages)
    assert any(e.get("name") == "question_frame" for e in events)


@pytest.mark.parametrize("text", [
    "I'd like to add a document to my existing case",
    "Ich möchte zu meinem Vorgang noch eine Datei nachreichen",
    "I have my follow-up key and want to send another paper",
])
def test_an_addition_to_a_case_is_still_explained(text):
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAddToCase().run(dispatcher, tracker(text, "add_to_case"), {}))
    assert [m.get("response") for m in dispatcher.messages] == ["utter_follow_up_how"]
