"""A case number (also a mistyped one) with a follow-up key is a follow-up whatever intent the
NLU read: "LEA-... <key> Lohnabrechnung anbei" is no question about payslips (action_converse,
action_answer_question hand it to action_add_to_case, which answers a mistyped number itself)."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerQuestion
from actions.converse import ActionConverse


def tracker(text, intent, language="de", active_loop=None):
    return Tracker(
        sender_id="unit-test", slots={"language": language},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.6},
                        "intent_ranking": [{"name": intent, "confidence": 0.6}], "entities": []},
        events=[], paused=False, followup_action=None, active_loop=active_loop or {},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize("action", [ActionConverse(), ActionAnswerQuestion()])
@pytest.mark.parametrize("text", [
    "LEA-2026-7KQM-XR4W ABCD-EFGH-JKM2-PQRS Lohnabrechnung anbei",
    "LEA-2026-7KQM-RX4W ABCD-EFGH-JKM2-PQRS Lohnabrechnung anbei",  # mistyped: answered there
    "LEA-2025-000123 ABCD-EFGH-JKM2-PQRS Lohnabrechnung anbei",
])
def test_a_number_with_a_key_goes_to_the_follow_up(action, text):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(text, "faq_documents"), {}))
    assert events == [{"event": "followup", "timestamp": None, "name": "action_add_to_case"}]
    assert dispatcher.messages == []


def test_a_question_without_a_key_is_still_answered():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionConverse().run(dispatcher, tracker("Welche Unterlagen brauche ich?", "faq_documents"), {}))
    assert not any(e.get("name") == "action_add_to_case" for e in events) and dispatcher.messages
