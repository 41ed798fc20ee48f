"""Answers real clients typed when we played them against the product: phone-typed dates,
person nouns for nationalities, refusals that are no names, "zurück", "?", and answers
given to a later question. Each case failed before the fix that this file guards."""

from __future__ import annotations

from datetime import date

import pytest

from actions import extraction
from actions import fields as f
from bot.catalogue import load_catalogue
from tests.actions.form_harness import run_form
from tests.actions.test_enquiry_form import asking

EXTENSION = load_catalogue().concerns["residence_permit_extension"]


@pytest.mark.parametrize("text, expected", [
    ("12 05 1988", date(1988, 5, 12)), ("12,5,1988", date(1988, 5, 12)), ("12.5 1988", date(1988, 5, 12)),
    ("5th of may 1980", date(1980, 5, 5)), ("3rd march 1990", date(1990, 3, 3)),
])
def test_dates_typed_on_a_phone_are_read(text, expected):
    assert f.parse_date_of_birth(text).value == expected


def test_a_phone_number_is_no_date():
    assert not f.parse_date_of_birth("0170 1234567").ok


@pytest.mark.parametrize("text, code", [
    ("Iranerin", "IRN"), ("Russe", "RUS"), ("Brasilianerin", "BRA"), ("Polin", "POL"), ("Franzose", "FRA"),
    ("Griechin", "GRC"), ("vietnamesin", "VNM"), ("Kenianer", "KEN"), ("thai", "THA"),
])
def test_person_nouns_and_adjectives_name_the_country(text, code):
    assert f.parse_nationality(text).value == code


@pytest.mark.parametrize("text", ["nein doch nicht", "weiss nicht", "Aufenthaltserlaubnis", "i dont know"])
def test_refusals_and_matters_are_no_names_or_places(text):
    assert not f.parse_full_name(text).ok
    assert not f.parse_place(text).ok


@pytest.mark.parametrize("text", ["ende 2026", "Hauptstr 5, 10827 Berlin", "2026"])
def test_years_and_postal_codes_are_no_case_numbers(text):
    assert not f.parse_case_number(text).ok


@pytest.mark.parametrize("text", ["👍", "ok 👍", "✅"])
def test_a_thumbs_up_is_a_yes(text):
    assert f.parse_yes_no(text).value is True


def test_everything_in_one_long_message_is_kept():
    text = ("hallo ich heisse Mehmet Oezdemir geb 12.5.1988 in Izmir, türkisch, mein aufenthaltstitel "
            "lauft am 3.2.2027 ab und ich will verlängern, ich arbeite als ingenieur")
    facts = extraction.volunteered_facts(text, {}, EXTENSION)
    assert facts == {
        "given_names": "Mehmet", "family_name": "Oezdemir", "date_of_birth": "1988-05-12",
        "place_of_birth": "Izmir", "nationality": "TUR", "title_expiry": "2027-02-03",
        "purpose": "employment", "title_kind": "residence_permit",
    }


def test_english_long_message_with_place_and_nationality():
    text = "Hi, my name is Priya Sharma, born on March 3, 1990 in Mumbai, Indian, I want to extend my Blue Card"
    facts = extraction.volunteered_facts(text, {}, EXTENSION)
    assert facts["place_of_birth"] == "Mumbai" and facts["nationality"] == "IND"


def test_the_settlement_permit_asked_for_is_not_the_title_held():
    settlement = load_catalogue().concerns["settlement_permit"]
    assert "title_kind" not in extraction.volunteered_facts("Ich moechte eine Niederlassungserlaubnis beantragen", {}, settlement)


def test_born_in_a_country_is_not_a_town():
    assert "place_of_birth" not in extraction.volunteered_facts("born in Syria", {}, EXTENSION)


@pytest.mark.parametrize("word", ["zurück", "back", "Zurueck!"])
def test_back_asks_the_previous_question_again(word):
    turn = run_form(asking("nationality"), word)
    assert turn.slots["place_of_birth"] is None
    assert turn.requested == "place_of_birth"
    assert "utter_going_back" in turn.responses


def test_back_from_the_birthday_asks_the_whole_name_again():
    turn = run_form(asking("date_of_birth"), "zurück")
    assert turn.slots["given_names"] is None and turn.slots["family_name"] is None
    assert turn.requested == "given_names"


@pytest.mark.parametrize("text", ["?", "hä?", "what", "Wie bitte?"])
def test_a_puzzled_reply_gets_an_explanation_and_loses_nothing(text):
    turn = run_form(asking("date_of_birth"), text, intent="nlu_fallback", confidence=0.3)
    assert turn.responses == ["utter_question_help"]
    assert turn.requested == "date_of_birth"
    assert not turn.slots.get("failed_attempts")


def test_an_answer_to_a_later_question_is_noted_not_refused():
    slots = asking("date_of_birth", email=None)
    turn = run_form(slots, "mehmet.oe@example.com", intent="inform")
    assert turn.slots["email"] == "mehmet.oe@example.com"
    assert turn.responses == ["utter_noted_for_later"]
    assert turn.requested == "date_of_birth"


def test_an_address_typed_for_the_case_number_is_kept_as_the_address():
    slots = asking("existing_case_number", address=None, postal_code=None)
    turn = run_form(slots, "Hauptstr 5, 10827 Berlin", intent="inform")
    assert turn.slots.get("existing_case_number") is None
    assert turn.slots["address"] == "Hauptstr 5, 10827 Berlin" and turn.slots["postal_code"] == "10827"


def test_a_phone_number_typed_for_a_date_is_noted():
    turn = run_form(asking("title_expiry", phone=None), "+49 171 2345678", language="en")
    assert turn.slots["phone"] == "+491712345678"
    assert turn.requested == "title_expiry"


def test_digits_for_the_case_number_are_no_phone():
    turn = run_form(asking("existing_case_number", phone=None), "0170 1234567")
    assert "phone" not in turn.slots


def test_the_field_name_alone_at_the_summary_chooses_what_to_change():
    turn = run_form(asking("confirmed", confirmed=None), "Telefon", intent="faq_contact_channels", confidence=0.7)
    assert turn.responses == ["utter_field_will_change"]
    assert turn.requested == "phone"


def test_a_skipped_phone_typed_at_the_summary_is_taken():
    turn = run_form(asking("confirmed", confirmed=None), "0170 9999999", intent="inform")
    assert turn.slots["phone"] == "+491709999999"
    assert turn.requested == "confirmed"


def test_yes_and_no_labels_are_words_not_yaml_booleans():
    from actions.common import label

    assert [label("buttons", "yes", "de"), label("buttons", "no", "en"), label("values", "no", "de")] == ["Ja", "No", "nein"]
