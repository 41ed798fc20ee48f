"""Typed words the NLU takes for "are you a bot?" or for an upload report still reach the
conversation model (data/rules/general.yml, actions/uploads.py): a question in them is
answered; plain small talk and the gateway's own upload reports keep their fixed responses."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.converse import ActionConverse
from actions.uploads import ActionHandleUpload


def tracker(text, intent, frame=None, language="de", entities=()):
    return Tracker(
        sender_id="unit-test", slots={"language": language, "question_frame": frame},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.6},
                        "intent_ranking": [{"name": intent, "confidence": 0.6}], "entities": list(entities)},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )


def run(action, track):
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages


def said(messages):
    return "\n".join(m.get("text") or "" for m in messages)


@pytest.mark.parametrize("text, language", [("Bist du eigentlich ein Roboter?", "de"), ("am I chatting with a machine?", "en")])
def test_a_plain_are_you_a_bot_keeps_its_response(text, language):
    assert [m.get("response") for m in run(ActionConverse(), tracker(text, "bot_challenge", language=language))] == [
        "utter_bot_challenge"]


@pytest.mark.parametrize("text, language, frame, word", [
    ("und meine Oma? sie ist Polin", "de", {"topic": "titles", "person": "relative"}, "EU"),
    ("and my uncle? he is from Brazil", "en", {"topic": "titles", "person": "relative"}, "visa"),
])
def test_a_follow_up_read_as_are_you_a_bot_is_answered(text, language, frame, word):
    messages = run(ActionConverse(), tracker(text, "bot_challenge", frame, language))
    assert word in said(messages) and not any(m.get("response") == "utter_bot_challenge" for m in messages)


@pytest.mark.parametrize("text, language, word", [
    ("is it safe to attach my payslips here?", "en", "viruses"),
    ("werden hochgeladene Dateien auf Viren geprüft?", "de", "Viren"),
])
def test_a_question_read_as_an_upload_report_is_answered(text, language, word):
    messages = run(ActionHandleUpload(), tracker(text, "upload_refused", language=language))
    assert word in said(messages) and not any((m.get("response") or "").startswith("utter_upload") for m in messages)


@pytest.mark.parametrize("text, entities, response", [
    ('/upload_refused{"reason": "bad_type"}', [{"entity": "reason", "value": "bad_type"}], "utter_upload_refused_bad_type"),
    ("my pdf got turned down", [], "utter_upload_refused"),   # a typed complaint without a question: the report
])
def test_upload_reports_keep_their_response(text, entities, response):
    messages = run(ActionHandleUpload(), tracker(text, "upload_refused", entities=entities))
    assert [m.get("response") for m in messages] == [response]
