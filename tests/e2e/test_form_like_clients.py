"""Form-like clients through the public chat API (issue 14): everything given in the first
message is used and not asked again; the optional questions are skipped together; a skipped one
can still be filled from the summary. German and English. Stack-free, many more wordings:
tests/actions/test_form_like_first_messages.py."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot import case_numbers
from tests.e2e.chat import Chat, stored_cases
from tests.e2e.dialogue import Press, asked_field

pytestmark = pytest.mark.slow

NEXT_YEAR = date.today().year + 1
SKIP_REST = {"de": Press(r"^Alle freiwilligen Angaben überspringen$"), "en": Press(r"^Skip all optional questions$")}


def press(chat: Chat, pattern: str) -> None:
    for button in chat.buttons:
        if re.search(pattern, button["title"]):
            chat.say(button["payload"])
            return
    raise AssertionError(f"no button {pattern!r} in {[b['title'] for b in chat.buttons]}")


def submit(chat: Chat, var_dir) -> dict:
    assert asked_field(chat, chat.language) == "confirmed", chat.text
    press(chat, r"^(Ja, absenden|Yes, send it)$")
    assert case_numbers.CANONICAL.search(chat.text), chat.text
    [case] = stored_cases(var_dir, chat.sender)
    return case


def test_german_first_message_fills_the_form_and_the_optional_ones_go_at_once(stack):
    chat = Chat(stack.gateway_url, language="de")
    chat.say(f"Guten Tag, ich bin Ayşe Yılmaz, Türkin, geboren am 03.03.1995 in Ankara. Ich möchte meine "
             f"Aufenthaltserlaubnis zum Studium verlängern, sie läuft am 30.06.{NEXT_YEAR} ab. Ich wohne in der "
             f"Musterstraße 12, 10115 Berlin, E-Mail ayse.y@example.org, Tel. 0176 55512345")
    assert asked_field(chat, "de") == "title_serial", chat.text  # the first question nobody answered yet
    press(chat, SKIP_REST["de"].title)
    assert "freiwilligen Angaben" in chat.text and asked_field(chat, "de") == "confirmed", chat.text
    assert "(übersprungen)" in chat.text and "Türkei" in chat.text, chat.text
    # A skipped one can still be filled from the summary.
    press(chat, r"^Etwas ändern$")
    press(chat, r"^Seriennummer$")
    assert asked_field(chat, "de") == "title_serial", chat.text
    chat.say("Y12345678")
    case = submit(chat, stack.var_dir)
    assert (case["given_names"], case["family_name"], case["nationality"]) == ("Ayşe", "Yılmaz", "TUR")
    assert (case["date_of_birth"], case["place_of_birth"]) == ("1995-03-03", "Ankara")
    assert (case["title_kind"], case["title_expiry"], case["purpose"]) == ("residence_permit", f"{NEXT_YEAR}-06-30", "study")
    assert (case["postal_code"], case["email"], case["phone"]) == ("10115", "ayse.y@example.org", "+4917655512345")
    assert case["title_serial"] == "Y12345678"


def test_english_first_message_and_typed_skip_the_rest(stack):
    chat = Chat(stack.gateway_url, language="en")
    chat.say(f"Hi, I want to extend my Blue Card. Name: Garcia, Sofia. Mexican citizen, born 12 May 1990 in "
             f"Puebla. It expires on 1 February {NEXT_YEAR}. I live at Musterstraße 12 10115 Berlin, "
             f"email sofia.garcia@example.com")
    assert asked_field(chat, "en") == "title_serial", chat.text
    chat.say("skip the rest")
    assert asked_field(chat, "en") == "confirmed", chat.text
    assert "(skipped)" in chat.text, chat.text
    case = submit(chat, stack.var_dir)
    assert (case["given_names"], case["family_name"], case["nationality"]) == ("Sofia", "Garcia", "MEX")
    assert (case["date_of_birth"], case["place_of_birth"]) == ("1990-05-12", "Puebla")
    assert (case["title_kind"], case["title_expiry"], case["purpose"]) == ("blue_card", f"{NEXT_YEAR}-02-01", "blue_card")
    assert (case["postal_code"], case["email"]) == ("10115", "sofia.garcia@example.com")
    assert not case.get("phone") and not case.get("title_serial")


def test_a_document_is_not_taken_as_the_name_and_the_required_ones_are_still_asked(stack):
    chat = Chat(stack.gateway_url, language="de")
    chat.say("Hallo, ich bin Blaue Karte Inhaberin aus Indien und möchte meine Blaue Karte verlängern, geboren am 4.4.1990")
    assert asked_field(chat, "de") == "given_names", chat.text  # no name was given
    chat.say("Priya Patel")
    assert asked_field(chat, "de") == "place_of_birth", chat.text  # date of birth and nationality kept
