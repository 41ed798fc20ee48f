"""Cancelling or moving an appointment is answered from the seeds (arrange a new one by phone,
with the numbers), never an appointment request; several ages stated before a fee question get
the fee for each (issue 14, the second blind set). Fresh wordings, German and English; no stack."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said

PHONES = ("99-2421", "99-2230", "99-2024", "99-2195", "99-2422")


@pytest.mark.parametrize("language, text, intent", [
    ("en", "I have to cancel my appointment on Friday", "enquiry_appointment"),
    ("en", "I want to call off the appointment I booked", None),
    ("en", "please cancel my appt next week, I am sick", "enquiry_appointment"),
    ("de", "Ich muss meinen Termin nächste Woche absagen", "enquiry_appointment"),
    ("de", "Termin stornieren bitte", None),
    ("de", "ich möchte meinen Termin am Dienstag absagen", "enquiry_appointment"),
])
def test_cancelling_an_appointment_is_answered_with_the_phone_numbers(language, text, intent):
    (outcome,) = conversation([text], language, [intent])
    assert not outcome.start_enquiry
    assert all(phone in said(outcome) for phone in PHONES)
    assert "nicht zuständig" not in said(outcome) and "not responsible" not in said(outcome)


@pytest.mark.parametrize("language, text", [
    ("en", "I need an appointment please"), ("de", "Ich hätte gern einen Termin"),
])
def test_asking_for_an_appointment_still_starts_the_request(language, text):
    (outcome,) = conversation([text], language, ["enquiry_appointment"])
    assert outcome.start_enquiry and outcome.concern == "appointment"


@pytest.mark.parametrize("language, text, amounts", [
    ("en", "my two girls are 6 and 13 - what would the extension cost?", ["48"]),
    ("en", "the kids are 2 and 9, how much do we pay for a residence permit?", ["50"]),
    ("de", "Meine Kinder sind 4 und 10. Was kostet die Verlängerung?", ["48"]),
    ("de", "ich bin 35 und meine Tochter ist 8, was zahlen wir für die Verlängerung?", ["96", "48"]),
])
def test_each_stated_age_gets_its_fee(language, text, amounts):
    (outcome,) = conversation([text], language, ["faq_fees"])
    text_said = said(outcome)
    for age in [int(n) for n in text.replace("?", " ").replace(",", " ").replace(".", " ").split() if n.isdigit()]:
        assert str(age) in text_said
    assert all(amount in text_said for amount in amounts)
    assert not outcome.start_enquiry
