"""Real clients against the whole product: colloquial, typo-prone, impatient, in German and English.

Each conversation is one we played by hand where the assistant went wrong (wrong field,
lost data, wrong language, dead end); each test checks the outcome the client cares about:
the case the backend stored, or the answer and its language.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot import case_numbers
from tests.e2e.chat import Chat, stored_cases
from tests.e2e.dialogue import Press, answer_until_summary, asked_field

pytestmark = pytest.mark.slow

NEXT_YEAR = date.today().year + 1
HELP = {"de": "Kurz erklärt", "en": "In short"}


def submit(chat: Chat, var_dir) -> dict:
    """Press "send" at the summary and return the one case the backend stored."""
    assert asked_field(chat, chat.language) == "confirmed", chat.text
    chat.press("absenden" if chat.language == "de" else "send it")
    assert case_numbers.CANONICAL.search(chat.text), chat.text
    [case] = stored_cases(var_dir, chat.sender)
    return case


def new_chat(stack, language: str) -> Chat:
    return Chat(stack.gateway_url, language=language)


def test_everything_in_one_long_german_message_is_kept(stack):
    """Name, birth, place, nationality, expiry, purpose in one breath; the e-mail given too early."""
    chat = new_chat(stack, "de")
    chat.say(f"hallo ich heisse Mehmet Oezdemir geb 12.5.1988 in Izmir, türkisch, mein aufenthaltstitel "
             f"lauft am 3.2.{NEXT_YEAR} ab und ich will verlängern, ich arbeite als ingenieur")
    assert asked_field(chat, "de") == "title_serial", chat.text  # nothing already said is asked again
    chat.say("mehmet.oe@example.com")
    assert "notiert (E-Mail)" in chat.text and asked_field(chat, "de") == "title_serial"
    chat.say("hä?")
    assert HELP["de"] in chat.text and asked_field(chat, "de") == "title_serial"
    asked = answer_until_summary(chat, "de", {
        "title_serial": "weiss nicht", "existing_case_number": "nö",
        "address": "Hauptstr 5, 10827 Berlin", "phone": "nein", "message": "nix",
    })
    assert "email" not in asked
    case = submit(chat, stack.var_dir)
    assert (case["given_names"], case["family_name"]) == ("Mehmet", "Oezdemir")
    assert (case["date_of_birth"], case["place_of_birth"], case["nationality"]) == ("1988-05-12", "Izmir", "TUR")
    assert case["title_expiry"] == f"{NEXT_YEAR}-02-03" and case["purpose"] == "employment"
    assert case["email"] == "mehmet.oe@example.com" and case["postal_code"] == "10827"


def test_typo_renewal_is_an_extension_not_a_new_permit(stack):
    chat = new_chat(stack, "en")
    chat.say("i need to renw my residnce permit")
    assert "Extension of a residence permit" in chat.text, chat.text


def test_back_returns_to_the_previous_question_and_the_corrected_answer_is_stored(stack):
    chat = new_chat(stack, "de")
    chat.say("Visum verlängern")
    chat.say("Juan Perez")
    chat.say("02 02 1995")  # typed with spaces on a phone
    assert asked_field(chat, "de") == "place_of_birth", chat.text
    chat.say("nein doch nicht")  # not a town
    assert asked_field(chat, "de") == "place_of_birth" and "Ort" in chat.text
    chat.say("Madird")
    chat.say("zurück")
    assert "zurück zur vorigen Frage" in chat.text and asked_field(chat, "de") == "place_of_birth"
    answer_until_summary(chat, "de", {
        "place_of_birth": "Madrid", "nationality": "Spanierin", "title_kind": "Schengen",
        "title_expiry": f"20.12.{NEXT_YEAR}", "address": "Torstr 1, 10119 Berlin",
        "email": "juan@example.com", "phone": "nein", "message": "Mein Flug wurde gestrichen, ich brauche mehr Zeit.",
    })
    case = submit(chat, stack.var_dir)
    assert (case["date_of_birth"], case["place_of_birth"], case["nationality"]) == ("1995-02-02", "Madrid", "ESP")


def test_puzzled_english_client_gets_an_explanation_in_english(stack):
    chat = new_chat(stack, "en")
    chat.say("need appointment pls")
    chat.say("Tom Baker")
    chat.say("?")
    assert HELP["en"] in chat.text and asked_field(chat, "en") == "date_of_birth", chat.text
    chat.say("my email is tom.baker@example.co.uk")
    assert "noted" in chat.text and asked_field(chat, "en") == "date_of_birth"
    chat.say("5th of may 1980")
    assert asked_field(chat, "en") == "nationality", chat.text


def test_german_pick_up_buttons_and_summary_are_german(stack):
    chat = new_chat(stack, "de")
    chat.say("ich will meine karte abholen")
    answer_until_summary(chat, "de", {
        "given_names": "Fatma Demir", "date_of_birth": "12.12.1990", "nationality": "Türkin",
        "pickup_by_proxy": Press("^Nein$"), "existing_case_number": "weiss ich nicht",
        "email": "fatma@example.de", "phone": "0151 1234567", "message": "Überspringen",
    })
    assert "Abholung durch Bevollmächtigte: nein" in chat.text, chat.text
    case = submit(chat, stack.var_dir)
    assert case["nationality"] == "TUR" and case["phone"] == "+491511234567"


def test_yes_to_an_offered_enquiry_starts_it(stack):
    chat = new_chat(stack, "en")
    chat.say("hi can my brother pick up my card for me")
    assert any(b["payload"] == "/enquiry_card_pickup" for b in chat.buttons), chat.text
    chat.say("yes")
    assert "Pick-up of the electronic residence card" in chat.text and asked_field(chat, "en") == "given_names"


def test_ok_after_plain_information_starts_no_enquiry(stack):
    chat = new_chat(stack, "en")
    chat.say("any news about my application??")
    chat.say("ok")
    assert "I will gladly take down your matter" not in chat.text, chat.text


def test_settlement_permit_wanted_is_not_the_title_held(stack):
    chat = new_chat(stack, "de")
    chat.say("Ich moechte eine Niederlassungserlaubnis beantragen")
    assert asked_field(chat, "de") == "given_names"
    for text in ("Olga Petrenko", "07.07.1977", "Kiew", "Ukraine"):
        chat.say(text)
    assert asked_field(chat, "de") == "title_kind", chat.text  # the title held is asked, not assumed


def test_naming_a_field_or_typing_a_phone_at_the_summary_changes_it(stack):
    chat = new_chat(stack, "de")
    chat.say("termin")
    answer_until_summary(chat, "de", {
        "given_names": "Lena Schmidt", "date_of_birth": "3.3.1995", "nationality": "ukrainisch",
        "title_kind": "Aufenthaltserlaubnis", "title_expiry": f"30.6.{NEXT_YEAR}", "existing_case_number": "nein",
        "email": "lena@example.org", "phone": "nein", "message": "Ich brauche einen Termin zur Verlängerung",
    })
    chat.say("Telefon")
    assert asked_field(chat, "de") == "phone", chat.text
    chat.say("0170 9999999")
    assert asked_field(chat, "de") == "confirmed"
    chat.say("E-Mail")
    chat.say("lena.schmidt@example.org")
    case = submit(chat, stack.var_dir)
    assert case["phone"] == "+491709999999" and case["email"] == "lena.schmidt@example.org"


def test_emoji_greeting_gets_the_menu_and_thumbs_up_submits(stack):
    chat = new_chat(stack, "en")
    chat.say("👋")
    assert "Did you mean" not in chat.text and any(b["payload"] == "/faq_fees" for b in chat.buttons), chat.text
    chat.say("i have a question for my case officer")
    answer_until_summary(chat, "en", {
        "given_names": "Sam Lee", "date_of_birth": "4 july 1975", "nationality": "korean",
        "existing_case_number": "LEA-2025-000555", "email": "sam@example.com", "phone": "idk",
        "message": "When do I get an answer for my application from march",
    })
    chat.say("👍")
    [case] = stored_cases(stack.var_dir, chat.sender)
    assert case["concern"] == "other" and case["nationality"] == "KOR"


def test_goodbye_in_the_middle_says_nothing_was_sent(stack):
    chat = new_chat(stack, "en")
    chat.say("I lost my residence card")
    chat.say("thx bye")
    assert "not been sent" in chat.text and asked_field(chat, "en") == "given_names", chat.text
    chat.say("stop")
    assert "cancelled" in chat.text
    assert stored_cases(stack.var_dir, chat.sender) == []


def test_nationality_as_a_person_noun_and_a_name_that_is_a_refusal(stack):
    chat = new_chat(stack, "de")
    chat.say("meine karte wurde geklaut!!")
    chat.say("weiss nicht")
    assert asked_field(chat, "de") == "given_names", chat.text  # "weiss nicht" is no name
    chat.say("Mariam Haddad")
    chat.say("11 11 1991")
    chat.say("Damaskus")
    chat.say("Iranerin")
    assert asked_field(chat, "de") == "title_kind", chat.text
