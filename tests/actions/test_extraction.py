"""Facts volunteered in free text, corrections, and which questions a concern asks."""

from actions import extraction
from actions.common import SKIPPED
from actions.enquiry_form import missing_fields, required_fields, summary_text
from bot.catalogue import load_catalogue

EXTENSION = load_catalogue().concerns["residence_permit_extension"]


def test_first_message_with_name_and_birth_date():
    text = "Hallo, ich bin Max Mustermann, geboren am 3.3.1990, und möchte meine Blaue Karte verlängern"
    facts = extraction.volunteered_facts(text, {}, EXTENSION)
    assert facts["given_names"] == "Max"
    assert facts["family_name"] == "Mustermann"
    assert facts["date_of_birth"] == "1990-03-03"
    assert facts["title_kind"] == "blue_card"
    assert facts["purpose"] == "blue_card"


def test_english_first_message():
    text = "Hi, my name is Priya Sharma, born on March 3, 1990. My residence permit expires on 30.6.2027"
    facts = extraction.volunteered_facts(text, {}, EXTENSION)
    assert (facts["given_names"], facts["family_name"]) == ("Priya", "Sharma")
    assert facts["date_of_birth"] == "1990-03-03"
    assert facts["title_expiry"] == "2027-06-30"
    assert facts["title_kind"] == "residence_permit"


def test_no_false_names():
    assert "given_names" not in extraction.volunteered_facts("ich bin verheiratet und habe Kinder", {}, EXTENSION)
    assert "given_names" not in extraction.volunteered_facts("I am 25 years old", {}, EXTENSION)


def test_correction_with_value_reuses_known_year():
    known = {"date_of_birth": "1990-03-03"}
    field, parsed = extraction.find_correction("my date of birth is actually 4 March", known, EXTENSION)
    assert field == "date_of_birth"
    assert parsed.value.isoformat() == "1990-03-04"


def test_correction_in_german_without_value_asks_again():
    field, parsed = extraction.find_correction("Moment, meine E-Mail ist falsch", {}, EXTENSION)
    assert field == "email" and parsed is None


def test_correction_with_new_email():
    field, parsed = extraction.find_correction("change my email to neu@example.org", {}, EXTENSION)
    assert field == "email" and parsed.value == "neu@example.org"


def test_plain_answer_is_not_a_correction():
    assert extraction.find_correction("max@example.org", {}, EXTENSION) is None


def test_required_fields_follow_the_concern():
    slots = {"concern": "residence_permit_extension", "purpose": "study", "title_kind": "residence_permit"}
    needed = required_fields(slots)
    assert needed[0] == "concern" and needed[-1] == "confirmed"
    assert "principal_case_number" not in needed  # only for family reunification
    assert "title_expiry" in needed
    slots.update(purpose="family_spouse", title_kind="settlement_permit")
    needed = required_fields(slots)
    assert "principal_case_number" in needed
    assert "title_expiry" not in needed  # a settlement permit does not expire


def test_skipped_optional_field_is_not_asked_again():
    slots = {"concern": "other", "given_names": "A", "family_name": "B", "date_of_birth": "1990-01-01",
             "nationality": "TUR", "existing_case_number": SKIPPED, "email": "a@b.de", "phone": SKIPPED,
             "message": "Frage"}
    assert missing_fields(slots) == ["confirmed"]
    assert "(übersprungen)" in summary_text(slots, "de")
    assert "Türkei" in summary_text(slots, "de")
