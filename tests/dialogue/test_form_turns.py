"""The form action with the conversation model, one message at a time (no stack: the
fake tracker of tests/actions/form_harness.py). Wording of our own."""

from __future__ import annotations

import pytest

from tests.actions.form_harness import run_form
from tests.actions.test_enquiry_form import asking


@pytest.mark.parametrize("asked, text, language, field, value", [
    ("email", "no, my birthday is 4.5.1990", "en", "date_of_birth", "1990-05-04"),
    ("email", "nein, mein Geburtstag ist der 4.5.1990", "de", "date_of_birth", "1990-05-04"),
    ("phone", "oops wrong birthday, it's 5 April 1990", "en", "date_of_birth", "1990-04-05"),
    ("phone", "Nein, die E-Mail ist max@example.org", "de", "email", "max@example.org"),
])
def test_a_correction_with_a_value_changes_that_field_and_keeps_the_question(asked, text, language, field, value):
    turn = run_form(asking(asked), text, language=language)
    assert turn.responses == ["utter_field_corrected"]
    assert turn.slots[field] == value and turn.requested == asked


@pytest.mark.parametrize("asked, text, language, field", [
    ("phone", "change the e-mail", "en", "email"),
    ("phone", "can I change my nationality", "en", "nationality"),
    ("phone", "E-Mail ändern bitte", "de", "email"),
])
def test_a_correction_without_a_value_asks_that_field_again(asked, text, language, field):
    turn = run_form(asking(asked), text, language=language)
    assert turn.responses == ["utter_field_will_change"]
    assert turn.slots[field] is None and turn.requested == field


@pytest.mark.parametrize("asked, text, language", [
    ("email", "hang on, how often do I have to go to the office?", "en"),
    ("phone", "Moment, was kostet das eigentlich für meinen Sohn (9)?", "de"),
])
def test_a_question_is_answered_and_the_same_field_asked_again(asked, text, language):
    turn = run_form(asking(asked), text, language=language)
    assert turn.requested == asked and turn.slots.get(asked) is None
    assert any(m.get("text") for m in turn.messages), turn.messages


@pytest.mark.parametrize("text", ["zurück", "ok go back"])
def test_back_asks_the_previous_question(text):
    turn = run_form(asking("phone"), text)
    assert "utter_going_back" in turn.responses and turn.requested != "phone"


def test_skip_of_the_optional_phone_and_cancel_words():
    assert run_form(asking("phone"), "überspringen").responses == ["utter_field_skipped"]
    assert run_form(asking("email"), "forget it", intent="cancel", language="en").events == []  # the rule ends it
    # Words the NLU did not read as cancel: no rule would end it, so the form ends and the cancel action follows.
    events = run_form(asking("email"), "forget it", intent="inform", language="en").events
    assert {"event": "followup", "timestamp": None, "name": "action_cancel_enquiry"} in events
    assert any(e.get("name") == "requested_slot" and e.get("value") is None for e in events)
