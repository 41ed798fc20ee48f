"""A request asked of the office for a named concern starts that enquiry, even beside the
concern's own topic words; an optional field declined with "lass ... weg" / "leave ... out"
beside its name is skipped; a correction naming a field and giving a value takes the value
(issue 14, the third blind set's failure kinds). Fresh wordings, German and English; no stack."""

from __future__ import annotations

import pytest

from actions.common import SKIPPED
from tests.actions.form_harness import EXTENSION_DONE, run_form
from tests.dialogue.helpers import conversation

LATER = ("existing_case_number", "address", "postal_code", "email", "phone", "message")
AT_CASE_NUMBER = {**EXTENSION_DONE, **{k: None for k in LATER}, "requested_slot": "existing_case_number"}
AT_PHONE = {**EXTENSION_DONE, "phone": None, "message": None, "requested_slot": "phone"}


@pytest.mark.parametrize("language, text, concern", [
    ("de", "Wir brauchen einen Vorsprachetermin. Könnten Sie bitte eine Terminanfrage für uns anlegen?", "appointment"),
    ("de", "Könnten Sie die Abholung meiner Karte vormerken? Mein Bruder holt sie ab.", "card_pickup"),
    ("de", "Kannst du bitte eine Abholung für meinen eAT anfragen, mein Sohn kommt vorbei", "card_pickup"),
    ("en", "I'd need an appointment - could you put in an appointment request for me?", "appointment"),
    ("en", "Could you register a collection request for my card? My brother will pick it up.", "card_pickup"),
    ("en", "Would you arrange the pick-up of my eAT, my daughter is going to fetch it", "card_pickup"),
])
def test_a_request_asked_of_the_office_starts_the_named_enquiry(language, text, concern):
    outcome, = conversation([text], language)
    assert outcome.start_enquiry and outcome.concern == concern


@pytest.mark.parametrize("language, text, concern", [
    ("en", "I need to renew my residence permit, is it possible to do it here?", "residence_permit_extension"),
    ("en", "I want to apply for the extension of my Blue Card, can I do that in this chat?", "residence_permit_extension"),
    ("de", "Ich möchte meine Aufenthaltserlaubnis verlängern, geht das hier im Chat?", "residence_permit_extension"),
])
def test_a_wish_to_apply_with_whether_it_can_be_done_here_starts_it(language, text, concern):
    outcome, = conversation([text], language)
    assert outcome.start_enquiry and outcome.concern == concern


@pytest.mark.parametrize("language, text", [
    ("en", "Can you tell me how I request a pick-up for my card?"),
    ("en", "Can my brother pick up my card for me?"),
    ("de", "Können Sie mir erklären, wie ich eine Abholung anfrage?"),
    ("de", "Ich möchte verlängern. Was kostet das, wenn ich es gleich hier mache?"),
])
def test_questions_about_such_requests_stay_questions(language, text):
    outcome, = conversation([text], language)
    assert not outcome.start_enquiry and outcome.replies


@pytest.mark.parametrize("language, text", [
    ("de", "die Handynummer lasse ich weg"),
    ("de", "Telefon würde ich gern auslassen"),
    ("en", "I'll leave the phone number out"),
    ("en", "let's skip the phone"),
])
def test_an_optional_field_left_out_beside_its_name_is_skipped(language, text):
    result = run_form(AT_PHONE, text, confidence=0.4, language=language)
    assert result.responses == ["utter_field_skipped"]
    assert result.slots["phone"] == SKIPPED and result.requested == "message"


@pytest.mark.parametrize("language, text, value", [
    ("de", "Halt, meine Staatsangehörigkeit ist falsch eingetragen, ich bin Syrerin", "SYR"),
    ("de", "die Staatsangehörigkeit stimmt so nicht - richtig wäre afghanisch", "AFG"),
    ("en", "hang on, my nationality is wrong, I am Syrian", "SYR"),
    ("en", "the nationality is a mistake; it should read Afghanistan", "AFG"),
])
def test_a_correction_naming_the_field_and_a_value_takes_the_value(language, text, value):
    result = run_form(AT_CASE_NUMBER, text, intent="inform", confidence=0.4, language=language)
    assert "utter_field_corrected" in result.responses and result.slots["nationality"] == value
    assert result.requested == "existing_case_number"


def test_a_correction_without_a_value_still_asks_again():
    result = run_form(AT_CASE_NUMBER, "the nationality is wrong", intent="inform", confidence=0.4, language="en")
    assert result.requested == "nationality" and "utter_field_corrected" not in result.responses
