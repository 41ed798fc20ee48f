"""The validation action hands Rasa the next question, exactly as the ask action would send it (issue 17)."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.enquiry_form import FORM_SLOTS, ActionAskField
from actions.field_registry import FIELDS
from bot.rasa_speedups import PREPARED_QUESTION_SLOT
from tests.actions.form_harness import EXTENSION_DONE, domain, run_form


def asked_by_the_action(field: str, slots: dict, language: str) -> list[dict]:
    """What `action_ask_<field>` sends with these slots (the call Rasa no longer makes)."""
    action = next(cls for cls in ActionAskField.__subclasses__() if cls().field == field)()
    all_slots = {name: None for name in FORM_SLOTS} | {"language": language} | slots
    tracker = Tracker("unit-test", all_slots, {"text": "", "intent": {}, "entities": []}, [], False, None,
                      {"name": "enquiry_form"}, "enquiry_form")
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, domain()))
    return dispatcher.messages


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_answer_comes_back_with_the_next_question_as_the_ask_action_sends_it(language):
    slots = {"concern": "residence_permit_extension", "requested_slot": "purpose"}
    for answer in ("Studium", "Ayşe Yılmaz", "3.3.1995", "Ankara", "türkisch"):
        turn = run_form(slots, answer, language=language)
        prepared = turn.slots[PREPARED_QUESTION_SLOT]
        assert prepared["field"] == turn.requested, answer
        slots = {**slots, **{k: v for k, v in turn.slots.items() if k != PREPARED_QUESTION_SLOT}}
        assert prepared["messages"] == asked_by_the_action(turn.requested, slots, language)
        assert [m["response"] for m in prepared["messages"]] == [f"utter_ask_{turn.requested}"]


def test_the_summary_question_carries_the_summary_and_its_buttons():
    slots = {**EXTENSION_DONE, "requested_slot": "message", "message": None}
    turn = run_form(slots, "Bitte verlängern Sie meine Aufenthaltserlaubnis, ich studiere weiter.")
    assert turn.requested == "confirmed"
    [question] = turn.slots[PREPARED_QUESTION_SLOT]["messages"]
    assert "Ayşe" in question["summary"] and [b["payload"] for b in question["buttons"]] == [
        "/affirm", "/correct_field", "/cancel"]
    assert turn.slots[PREPARED_QUESTION_SLOT]["messages"] == asked_by_the_action(
        "confirmed", {**slots, **turn.slots}, "de")


def test_every_field_has_an_ask_action_for_forms_resumed_without_validation():
    fields = {cls().field for cls in ActionAskField.__subclasses__()}
    assert fields == {"concern", "confirmed", *(spec.id for spec in FIELDS)}


def test_nothing_is_prepared_when_the_form_is_done_or_the_message_leaves_it():
    done = run_form({**EXTENSION_DONE, "requested_slot": "confirmed"}, "/affirm", intent="affirm")
    assert done.requested is None and PREPARED_QUESTION_SLOT not in done.slots
    assert run_form({**EXTENSION_DONE, "requested_slot": "email"}, "abbrechen", intent="cancel").events == []
