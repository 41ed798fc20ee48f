"""The enquiry as real clients hold it: invalid answers, corrections, questions in between,
cancel, start over and notes (expired title, minors), in German and English.
A second conversation submitting the same person: tests/attacks/test_duplicates.py."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.e2e.chat import Chat, stored_cases
from tests.e2e.dialogue import Press, asked_field, confirmation_of, reply

pytestmark = pytest.mark.slow

NEXT_YEAR = date.today().year + 1

# A valid answer per field of the extension enquiry.
VALID = {
    "de": {"purpose": "Studium", "given_names": "lena schmidt", "family_name": "Schmidt",
           "date_of_birth": "3.3.1995", "place_of_birth": "Kyjiw", "nationality": "ukrainisch",
           "title_kind": "Aufenthaltserlaubnis", "title_serial": "Y12345678", "title_expiry": f"30.06.{NEXT_YEAR}",
           "existing_case_number": "LEA-2025-000123", "address": "Musterstraße 12, 10115 Berlin",
           "email": "lena@example.org", "phone": "0170 1234567", "message": "Mein Titel läuft bald ab."},
    "en": {"purpose": "study", "given_names": "Li Wei", "family_name": "Wei",
           "date_of_birth": "1995-03-03", "place_of_birth": "Shanghai", "nationality": "China",
           "title_kind": "residence permit", "title_serial": "Y12345678", "title_expiry": f"{NEXT_YEAR}-06-30",
           "existing_case_number": "LEA-2025-000124", "address": "Musterstraße 12, 10115 Berlin",
           "email": "liwei@example.org", "phone": "+49 170 1234567", "message": "My title expires soon."},
}
# One invalid answer per validated field and the example the re-ask must show.
INVALID = {
    "de": {"purpose": ("Urlaub", "„Studium“"), "given_names": ("R2D2", "„Max Mustermann“"),
           "date_of_birth": ("gestern", "„03.03.1990“"), "place_of_birth": ("12345", "„Ankara“"),
           "nationality": ("Atlantis", "„Syrien“"), "title_kind": ("Visum", "(Typ D)"),
           "title_serial": ("123", "„Y12345678“"), "title_expiry": ("bald", "„03.03.1990“"),
           "existing_case_number": ("abc", "„LEA-2026-7KQM-XR4W“"),
           "address": ("Musterstraße 12", "„Musterstraße 12, 10115 Berlin“"),
           "email": ("lena at example", "„name@beispiel.de“"), "phone": ("ruf mich an", "„+49 170 1234567“"),
           "message": ("x", "z. B. „")},
    "en": {"purpose": ("holiday", "“study”"), "given_names": ("R2D2", "“Max Mustermann”"),
           "date_of_birth": ("yesterday", "“3 March 1990”"), "place_of_birth": ("12345", "“Kyiv”"),
           "nationality": ("Atlantis", "“Syria”"), "title_kind": ("visa", "(type D)"),
           "title_serial": ("123", "“Y12345678”"), "title_expiry": ("soon", "“3 March 1990”"),
           "existing_case_number": ("abc", "“LEA-2026-7KQM-XR4W”"),
           "address": ("Musterstraße 12", "“Musterstraße 12, 10115 Berlin”"),
           "email": ("liwei at example", "“name@example.com”"), "phone": ("call me", "“+49 170 1234567”"),
           "message": ("x", "e.g. “")},
}
START = {"de": "Ich möchte meine Aufenthaltserlaubnis verlängern", "en": "I would like to extend my residence permit"}
SUBMIT = Press(r"^(Ja, absenden|Yes, send it)$")


def run_to_summary(chat: Chat, language: str, answers: dict, limit: int = 40) -> list[str]:
    asked = []
    for _ in range(limit):
        field = asked_field(chat, language)
        if field == "confirmed":
            return asked
        assert field in answers, f"unexpected: {chat.text!r}"
        asked.append(field)
        reply(chat, answers[field])
    raise AssertionError(f"no summary; asked {asked}")


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_invalid_answer_is_re_asked_with_reason_and_example(stack, language):
    chat = Chat(stack.gateway_url, language=language)
    chat.say("Menü" if language == "de" else "menu")  # by button: no title volunteered in a sentence
    reply(chat, Press(r"^(Verlängerung einer Aufenthaltserlaubnis|Extension of a residence permit)"))
    tried = set()
    for _ in range(45):
        field = asked_field(chat, language)
        if field == "confirmed":
            break
        assert field in VALID[language], f"unexpected: {chat.text!r}"
        if field in INVALID[language] and field not in tried:
            tried.add(field)
            text, example = INVALID[language][field]
            chat.say(text)
            assert example in chat.text, (field, chat.text)
            if field != "title_kind":  # "which visa?" asks its own question
                assert asked_field(chat, language) == field, (field, chat.text)
        chat.say(VALID[language][field])
    assert asked_field(chat, language) == "confirmed"
    assert tried == set(INVALID[language])
    reply(chat, SUBMIT)
    [case] = stored_cases(stack.var_dir, chat.sender)
    assert case["title_serial"] == "Y12345678" and case["phone"].startswith("+49")


def test_volunteered_facts_and_corrections_before_and_at_the_summary(stack):
    chat = Chat(stack.gateway_url, language="de")
    chat.say("Hallo, ich bin Max Mustermann, geboren am 3.3.1990, und möchte meine Aufenthaltserlaubnis verlängern")
    answers = {**VALID["de"], "email": "max@example.org", "nationality": "Tuerkei"}
    asked = []
    for _ in range(30):
        field = asked_field(chat, "de")
        if field == "confirmed":
            break
        asked.append(field)
        if field == "email" and "email-corrected" not in asked:
            asked.append("email-corrected")
            chat.say("Moment, mein Geburtsdatum ist eigentlich der 4. März")
            assert "geändert" in chat.text and asked_field(chat, "de") == "email"
            continue
        reply(chat, answers[field])
    assert "given_names" not in asked and "date_of_birth" not in asked  # given early, not asked again
    assert "04.03.1990" in chat.text

    chat.say("Moment, meine E-Mail ist falsch")
    assert asked_field(chat, "de") == "email"
    chat.say("ja klar, das ist max.neu@example.org")
    assert "max.neu@example.org" in chat.text and asked_field(chat, "de") == "confirmed"

    reply(chat, Press(r"^Etwas ändern$"))
    reply(chat, Press(r"^Staatsangehörigkeit$"))
    assert asked_field(chat, "de") == "nationality"
    chat.say("Syrien")
    assert "Syrien" in chat.text and asked_field(chat, "de") == "confirmed"
    reply(chat, SUBMIT)
    [case] = stored_cases(stack.var_dir, chat.sender)
    assert (case["given_names"], case["family_name"]) == ("Max", "Mustermann")
    assert case["date_of_birth"] == "1990-03-04"
    assert case["email"] == "max.neu@example.org"
    assert case["nationality"] == "SYR"


@pytest.mark.parametrize("language, question, where", [
    ("de", "Was kostet die Verlängerung?", "place_of_birth"),
    ("en", "How much does the extension cost?", "address"),
])
def test_a_general_question_in_between_is_answered_and_the_enquiry_resumes(stack, language, question, where):
    chat = Chat(stack.gateway_url, language=language)
    chat.say(START[language])
    # A person of its own: the same person and concern again would be a follow-up of another test's case.
    answers = {**VALID[language], "given_names": "Clara Weber" if language == "de" else "Tom Baker"}
    asked_question = False
    for _ in range(30):
        field = asked_field(chat, language)
        if field == "confirmed":
            break
        if field == where and not asked_question:
            asked_question = True
            chat.say(question)
            assert re.search(r"\d+\s?(€|EUR|Euro)|(€|EUR)\s?\d+", chat.text), chat.text
            assert asked_field(chat, language) == where, chat.text  # the same question again
            continue
        reply(chat, answers[field])
    assert asked_question
    summary = chat.text
    for value in ("Studium" if language == "de" else "Study", "Y12345678", "Musterstraße 12"):
        assert value in summary, summary  # nothing lost
    chat.say("ok, und wie lange dauert das?" if language == "de" else "ok, and how long does it take?")
    assert stored_cases(stack.var_dir, chat.sender) == []  # a question is no confirmation
    reply(chat, SUBMIT) if any(re.search("absenden|send it", b["title"]) for b in chat.buttons) else chat.say("ja")
    assert len(stored_cases(stack.var_dir, chat.sender)) == 1


def test_cancel_stores_nothing_and_forgets(stack):
    chat = Chat(stack.gateway_url, language="de")
    chat.say(START["de"])
    reply(chat, VALID["de"]["purpose"])
    chat.say("Anna Schmidt")
    chat.say("abbrechen")
    assert "abgebrochen" in chat.text and "nichts gesendet" in chat.text
    assert stored_cases(stack.var_dir, chat.sender) == []
    chat.say(START["de"])
    assert asked_field(chat, "de") == "purpose"
    chat.say("Studium")
    assert asked_field(chat, "de") == "given_names"  # the name was forgotten


@pytest.mark.parametrize("language, words, cancelled", [
    ("de", "ach lass mal, ich ruf lieber an", "abgebrochen"),
    ("en", "forget it, I'll just call you", "cancel"),
])
def test_leaving_to_call_cancels_and_gives_the_phone_numbers(stack, language, words, cancelled):
    chat = Chat(stack.gateway_url, language=language)
    chat.say(START[language])
    reply(chat, VALID[language]["purpose"])
    chat.say("Anna Schmidt")
    assert asked_field(chat, language) == "date_of_birth"
    chat.say(words)  # whatever the NLU reads: a cancel, never an answer or a correction
    assert cancelled in chat.text.lower() and "99-2421" in chat.text, chat.text
    assert stored_cases(stack.var_dir, chat.sender) == []
    chat.say(START[language])
    reply(chat, VALID[language]["purpose"])
    assert asked_field(chat, language) == "given_names"  # the name was forgotten


@pytest.mark.parametrize("language, back, nationality, name", [
    ("de", "Moment, einen Schritt zurück bitte", "ok, indisch", "hallo, Priya Sharma"),
    ("en", "wait, go one step back please", "ok, Indian", "hello, Priya Sharma"),
])
def test_back_with_fillers_and_answers_after_a_greeting(stack, language, back, nationality, name):
    chat = Chat(stack.gateway_url, language=language)
    chat.say(START[language])
    reply(chat, VALID[language]["purpose"])
    chat.say(name)
    assert asked_field(chat, language) == "date_of_birth", chat.text
    chat.say(VALID[language]["date_of_birth"])
    chat.say(VALID[language]["place_of_birth"])
    assert asked_field(chat, language) == "nationality"
    chat.say(back)
    assert asked_field(chat, language) == "place_of_birth", chat.text
    chat.say(VALID[language]["place_of_birth"])
    chat.say(nationality)
    assert asked_field(chat, language) != "nationality", chat.text


def test_start_over_in_english(stack):
    chat = Chat(stack.gateway_url, language="en")
    chat.say("I need an appointment")
    chat.say("Anna Smith")
    chat.say("start over")
    assert "start again" in chat.text.lower() or "start over" in chat.text.lower() or "from the beginning" in chat.text.lower(), chat.text
    chat.say("I need an appointment")
    assert asked_field(chat, "en") == "given_names"
    assert stored_cases(stack.var_dir, chat.sender) == []


def test_expired_title_gets_a_note_and_no_fiktionswirkung(stack):
    chat = Chat(stack.gateway_url, language="de")
    chat.say(START["de"])
    expired = (date.today() - timedelta(days=20)).strftime("%d.%m.%Y")
    answers = {**VALID["de"], "given_names": "Jana Novak", "title_expiry": expired}
    run_to_summary(chat, "de", answers)
    assert any("abgelaufen" in t for t in chat.transcript)
    reply(chat, SUBMIT)
    [case] = stored_cases(stack.var_dir, chat.sender)
    assert confirmation_of(stack.var_dir, case["case_number"])["fiktion_applies"] == 0
    assert "bescheinigt die Fiktionswirkung" not in chat.text


def test_minor_cannot_have_the_card_picked_up_by_an_authorised_person(stack):
    chat = Chat(stack.gateway_url, language="en")
    chat.say("I want to pick up my residence card")
    born = date.today().replace(year=date.today().year - 12) - timedelta(days=1)
    answers = {"given_names": "Yusuf Demir", "date_of_birth": born.isoformat(), "nationality": "Turkey",
               "pickup_by_proxy": "yes", "email": "parents@example.org", "phone": Press("^Skip$"),
               "message": "The card of our son is ready.", "title_kind": "residence permit",
               "title_serial": Press("^Skip$"), "existing_case_number": Press("^Skip$"),
               "address": "Musterstraße 12, 10115 Berlin", "place_of_birth": "Berlin"}
    run_to_summary(chat, "en", answers)
    assert any("only possible from the age of 16" in t for t in chat.transcript)
    assert re.search(r"Pick-up by an authorised person: no", chat.text), chat.text
    reply(chat, SUBMIT)
    [case] = stored_cases(stack.var_dir, chat.sender)
    assert case["concern"] == "card_pickup"
