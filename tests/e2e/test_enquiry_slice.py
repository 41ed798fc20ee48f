"""The spine: a bilingual extension enquiry through the public chat API reaches the backend.

Runs against the whole product (real Rasa model, action server, backend, clamd,
gateway) and checks the case the backend stored, not only the assistant's words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest

from tests.e2e.chat import Chat, fetch_confirmation, new_sender, stored_cases

pytestmark = pytest.mark.slow

NEXT_YEAR = date.today().year + 1


def answer_extension_questions(chat: Chat, answers: dict[str, str]) -> None:
    """Answer whatever the assistant asks until it shows the summary."""
    for _ in range(25):
        text = chat.text
        if "Angaben" in text and "senden" in text or "check your details" in text:
            return
        for key, reply in answers.items():
            if re.search(key, text, re.IGNORECASE):
                chat.say(reply)
                break
        else:
            raise AssertionError(f"unexpected question: {text!r}")
    raise AssertionError("the enquiry never reached the summary")


def test_german_extension_enquiry_is_stored_and_routed(stack):
    chat = Chat(stack.gateway_url)
    chat.say("Hallo")
    assert "Guten Tag" in chat.text
    chat.say("Ich möchte meine Aufenthaltserlaubnis verlängern")
    assert "Verlängerung" in chat.text
    answer_extension_questions(chat, {
        r"Zweck": "Studium",
        r"Wie heißen Sie": "Ayşe Yılmaz",
        r"Familienname": "Yılmaz",
        r"Wann sind Sie geboren": "3.3.1995",
        r"Wo sind Sie geboren": "Ankara",
        r"Staatsangehörigkeit": "Türkei",
        r"Welches Aufenthaltsdokument": "Aufenthaltserlaubnis",
        r"Seriennummer": "Überspringen",
        r"Bis wann ist": f"30.06.{NEXT_YEAR}",
        r"Aktenzeichen": "Überspringen",
        r"Anschrift": "Musterstraße 12, 10115 Berlin",
        r"E-Mail-Adresse": "ayse.yilmaz@example.org",
        r"Telefonnummer": "0170 1234567",
        r"beschreiben Sie Ihr Anliegen": "Meine Aufenthaltserlaubnis läuft bald ab.",
    })
    assert "Ayşe" in chat.text and "Türkei" in chat.text
    chat.press("absenden")
    match = re.search(r"Vorgangsnummer lautet (\S+?);", chat.text)
    assert match, chat.text
    assert any(c.get("type") == "confirmation_pdf" for c in chat.custom)

    [case] = stored_cases(stack.var_dir, chat.sender)
    assert case["case_number"] == match.group(1)
    assert case["concern"] == "residence_permit_extension"
    assert case["purpose"] == "study"
    assert (case["given_names"], case["family_name"]) == ("Ayşe", "Yılmaz")
    assert case["date_of_birth"] == "1995-03-03"
    assert case["nationality"] == "TUR"
    assert case["email"] == "ayse.yilmaz@example.org"
    assert case["title_kind"] == "residence_permit"
    assert case["unit"].startswith("B")  # students are department B


def test_english_extension_enquiry_with_volunteered_facts(stack):
    chat = Chat(stack.gateway_url)
    chat.say("Hi, my name is Priya Sharma, born on March 3, 1990, I want to extend my Blue Card")
    assert "Extension" in chat.text
    answer_extension_questions(chat, {
        r"Where were you born": "Mumbai",
        r"nationality": "Indian",
        r"Until when": f"December 31, {NEXT_YEAR}",
        r"serial number": "Y12345678",
        r"case number": "skip",
        r"e-mail address": "priya@example.com",
        r"address": "Invalidenstraße 5, 10115 Berlin",
        r"phone number": "skip",
        r"describe your matter": "skip",
    })
    assert "Priya" in chat.text and "India" in chat.text
    chat.say("yes")
    assert "case number is" in chat.text
    [case] = stored_cases(stack.var_dir, chat.sender)
    assert case["concern"] == "residence_permit_extension"
    assert case["purpose"] == "blue_card"
    assert case["title_kind"] == "blue_card"
    assert case["date_of_birth"] == "1990-03-03"
    assert case["nationality"] == "IND"
    assert case["phone"] is None
    assert case["language"] == "en"
    assert case["unit"].startswith("B")


def test_confirmation_pdf_download_is_bound_to_the_conversation(stack):
    chat = Chat(stack.gateway_url, language="en")
    chat.say("I need to extend my residence permit, I'm Jan Novak born 1.2.1988")
    answer_extension_questions(chat, {
        r"purpose": "employment",
        r"Where were you born": "Brno",
        r"nationality": "Czech Republic",
        r"Which residence document": "residence permit",
        r"serial number": "skip",
        r"Until when": (date.today() + timedelta(days=30)).strftime("%d.%m.%Y"),
        r"case number": "skip",
        r"e-mail address": "jan@example.com",
        r"address": "Alt-Moabit 1, 10557 Berlin",
        r"phone number": "skip",
        r"describe your matter": "skip",
    })
    chat.say("yes")
    [payload] = [c for c in chat.custom if c.get("type") == "confirmation_pdf"]
    # The conversation is named in a header, never in the link (links end up in logs).
    assert "?" not in payload["url"] and chat.sender not in payload["url"]
    pdf = fetch_confirmation(stack.gateway_url, payload["url"], chat.sender)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for someone_else in (new_sender(), "", "someone-else"):
        assert httpx.get(f"{stack.gateway_url}{payload['url']}", headers={"X-Conversation": someone_else},
                         timeout=30).status_code == 404
    assert httpx.get(f"{stack.gateway_url}/downloads/{'x' * 43}", headers={"X-Conversation": chat.sender},
                     timeout=30).status_code == 404
