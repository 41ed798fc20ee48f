"""Skipping the optional questions together (issue 14): offered from the first optional question
on, by a button or typed words (content/questions.yml, form_moves: skip_rest); the required
questions are still asked; the summary shows the skipped ones and can still fill any of them."""

from __future__ import annotations

import pytest

from actions.common import SKIPPED, label
from actions.enquiry_form import current_concern, required_fields
from tests.actions.form_harness import EXTENSION_DONE, run_form

# The extension enquiry answered up to the title; the first optional question (serial number) asked.
AT_FIRST_OPTIONAL = {k: v for k, v in EXTENSION_DONE.items()
                     if k in ("concern", "purpose", "given_names", "family_name", "date_of_birth", "place_of_birth",
                              "nationality", "title_kind")}
OPTIONAL = ("title_serial", "existing_case_number", "phone", "message")  # of the extension (content/concerns.yml)


def _skip_rest_buttons(turn) -> list[dict]:
    return [b for b in turn.buttons() if b["payload"] in (label("buttons", "skip_rest", "de"),
                                                           label("buttons", "skip_rest", "en"))]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_first_optional_question_offers_to_skip_all_optional_ones(language):
    turn = run_form({**AT_FIRST_OPTIONAL, "requested_slot": "nationality", "nationality": None}, "Türkei",
                    language=language)
    assert turn.requested == "title_serial"
    question = turn.slots["prepared_question"]["messages"][0]
    titles = [b["title"] for b in question["buttons"]]
    assert label("buttons", "skip", language) in titles and label("buttons", "skip_rest", language) in titles


@pytest.mark.parametrize("language, words", [
    ("de", "Alle freiwilligen Angaben überspringen"), ("en", "Skip all optional questions"),
    ("de", "alle optionalen überspringen"), ("de", "weiter ohne"), ("en", "skip the rest"), ("en", "ok skip the rest"),
])
def test_skip_rest_skips_every_open_optional_field_and_asks_the_required_ones(language, words):
    turn = run_form({**AT_FIRST_OPTIONAL, "requested_slot": "title_serial"}, words, language=language)
    assert turn.responses == ["utter_optional_skipped"]
    assert all(turn.slots[f] == SKIPPED for f in OPTIONAL)
    assert set(turn.slots["skipped_fields"]) == set(OPTIONAL)
    assert turn.requested == "title_expiry"  # required: never skipped
    assert all(turn.slots.get(f) != SKIPPED for f in ("title_expiry", "address", "email"))


def test_skip_rest_while_a_required_field_is_asked_skips_only_the_optional_ones():
    slots = {**EXTENSION_DONE, "phone": None, "message": None, "email": None, "requested_slot": "email"}
    turn = run_form(slots, "skip the rest", language="en")
    assert turn.slots["phone"] == SKIPPED and turn.slots["message"] == SKIPPED
    assert "email" not in turn.slots or turn.slots["email"] is None
    assert turn.requested == "email"


def test_the_button_is_not_offered_for_the_last_optional_question():
    slots = {**EXTENSION_DONE, "message": None, "requested_slot": "phone", "phone": None}
    turn = run_form(slots, "0170 1234567")
    assert turn.requested == "message"
    assert not _skip_rest_buttons(type(turn)([], turn.slots["prepared_question"]["messages"]))


@pytest.mark.parametrize("language, shown", [("de", "(übersprungen)"), ("en", "(skipped)")])
def test_summary_shows_the_skipped_fields_and_a_change_fills_one(language, shown):
    skipped = run_form({**AT_FIRST_OPTIONAL, "requested_slot": "title_serial"}, "skip the rest", language=language)
    slots = {**AT_FIRST_OPTIONAL, **{k: v for k, v in skipped.slots.items() if k != "prepared_question"}}
    for field, value in (("title_expiry", "30.06.2030"), ("address", "Musterstraße 12, 10115 Berlin"),
                         ("email", "a@example.org")):
        slots.update({k: v for k, v in run_form(slots, value, language=language).slots.items() if k != "prepared_question"})
    assert slots["requested_slot"] == "confirmed"
    summary = run_form({**slots, "requested_slot": "title_expiry", "title_expiry": None}, "30.06.2030", language=language)
    text = summary.slots["prepared_question"]["messages"][0]
    assert text["response"] == "utter_ask_confirmed" and shown in text["summary"]
    # "Change something" lists the skipped fields too; choosing one asks it again.
    change = run_form(slots, "/correct_field", intent="correct_field", language=language)
    phone = label("fields", "phone", language)
    button = next(b for b in change.buttons() if b["title"] == phone)
    asked = run_form(slots, button["payload"], intent="correct_field", language=language)
    assert asked.requested == "phone"
    assert asked.slots["prepared_question"]["messages"][0]["response"] == "utter_ask_phone"
    filled = run_form({**slots, **{k: v for k, v in asked.slots.items() if k != "prepared_question"}}, "0170 1234567",
                      language=language)
    assert filled.slots["phone"] == "+491701234567" and filled.requested == "confirmed"


def test_required_fields_are_never_skipped_together():
    slots = {**AT_FIRST_OPTIONAL, "requested_slot": "title_serial"}
    turn = run_form(slots, "skip the rest", language="en")
    concern = current_concern({**slots, **turn.slots})
    for field in required_fields({**slots, **turn.slots}):
        if field not in ("concern", "confirmed") and not concern.is_optional(field):
            assert turn.slots.get(field) != SKIPPED
