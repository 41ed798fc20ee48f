"""Attack: a stranger who knows someone's name, date of birth and nationality submits
the same matter from another conversation, hoping to learn of (or add to) their case.

Through the real stack's public chat API: the second conversation gets a case of its own,
exactly like any new case, and neither its answers nor its PDF name the first case.
Guessing a follow-up key gets the same answer as an unknown number; whoever holds the PDF
(an employer) has the case number and verification code and still cannot add; the genuine
client, holding the follow-up key shown only in their chat, adds from a new conversation.
"""

from __future__ import annotations

import io
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from pypdf import PdfReader

from bot import case_numbers
from tests.e2e.chat import Chat, internal_id, minimal_pdf, stored_cases
from tests.e2e.dialogue import Press, answer_until_summary, reply

pytestmark = pytest.mark.slow
SUBMIT = Press(r"^(Ja, absenden|Yes, send it)$")
CASE_NUMBER = case_numbers.CANONICAL
CODE = re.compile(r"(?<![0-9A-Z-])[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}(?![0-9A-Z-])")
KEY = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def _answers(born: date, email: str) -> dict:
    """A Jordanian researcher extending her residence permit (a person no other test uses)."""
    return {"purpose": Press("^Research"), "given_names": "Amira Haddad", "family_name": "Haddad",
            "date_of_birth": born.isoformat(), "place_of_birth": "Amman", "nationality": "Jordan",
            "title_kind": "residence permit", "title_serial": Press("^Skip$"),
            "title_expiry": (date.today() + timedelta(days=40)).isoformat(),
            "existing_case_number": Press("^Skip$"), "address": "Musterstraße 12, 10115 Berlin",
            "email": email, "phone": Press("^Skip$"), "message": "Please extend my permit."}


def _submit(stack, answers: dict) -> Chat:
    chat = Chat(stack.gateway_url, language="en")
    chat.say("I would like to extend my residence permit")
    answer_until_summary(chat, "en", answers)
    reply(chat, SUBMIT)
    return chat


def _shape(messages: list[dict]) -> list[tuple]:
    """The answer with case numbers, keys and links blanked: the same for every new case."""
    return [(KEY.sub("K", CASE_NUMBER.sub("N", m.get("text") or "")), (m.get("custom") or {}).get("type"),
             len(m.get("buttons") or [])) for m in messages]


def _pdf_text(stack, chat: Chat) -> str:
    [payload] = [c for c in chat.custom if c.get("type") == "confirmation_pdf"]
    response = httpx.get(f"{stack.gateway_url}{payload['url']}", headers={"X-Conversation": chat.sender}, timeout=30)
    assert response.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@dataclass
class Pair:
    victim: Chat
    stranger: Chat
    victim_case: dict
    stranger_case: dict
    victim_answer: list[dict]


@pytest.fixture(scope="module")
def pair(stack) -> Pair:
    """The same person submitted by the client and then by a stranger, in two conversations."""
    born = date(1960, 1, 1) + timedelta(days=secrets.randbelow(14_000))
    victim = _submit(stack, _answers(born, "amira@example.org"))
    victim_answer = victim.last
    stranger = _submit(stack, _answers(born, "stranger@example.org"))
    [victim_case] = stored_cases(stack.var_dir, victim.sender)
    [stranger_case] = stored_cases(stack.var_dir, stranger.sender)
    return Pair(victim, stranger, victim_case, stranger_case, victim_answer)


def test_a_stranger_with_the_same_person_learns_nothing_of_the_first_case(stack, pair):
    number = pair.victim_case["case_number"]
    stranger, own_case = pair.stranger, pair.stranger_case
    assert number in "\n".join(pair.victim.transcript)
    # A case of its own, announced exactly like any new case, with its own PDF.
    assert own_case["case_number"] != number
    assert set(CASE_NUMBER.findall(stranger.text)) == {own_case["case_number"]}, stranger.text
    pdf = _pdf_text(stack, stranger)
    assert own_case["case_number"] in pdf and number not in pdf
    assert _shape(stranger.last) == _shape(pair.victim_answer)
    # Asking again for "my confirmation" still yields only its own case.
    stranger.say("please send my confirmation again")
    assert number not in stranger.text and number not in _pdf_text(stack, stranger)
    assert not any(number in text for text in stranger.transcript)
    # In the backend both are kept apart and linked for the unit (nothing added to the first case).
    assert own_case["duplicate_of_id"] == pair.victim_case["id"] and own_case["open_key"] is None
    assert own_case["email"] == "stranger@example.org" and pair.victim_case["email"] == "amira@example.org"
    assert _entries(stack, number) == [("initial", internal_id(stack.var_dir, pair.victim.sender))]


def _entries(stack, case_number: str) -> list[tuple[str, str]]:
    conn = sqlite3.connect(stack.var_dir / "backend.sqlite3")
    try:
        return conn.execute("SELECT e.kind, e.conversation_id FROM case_entries e JOIN cases c ON c.id = e.case_id "
                            "WHERE c.case_number = ? ORDER BY e.id", (case_number,)).fetchall()
    finally:
        conn.close()


def test_guessing_a_key_reveals_nothing_and_the_genuine_client_adds_with_theirs(stack, pair):
    victim, stranger, number = pair.victim, pair.stranger, pair.victim_case["case_number"]
    [key] = KEY.findall("\n".join(victim.transcript))  # shown once, in the victim's own chat
    victim.last = pair.victim_answer
    pdf = _pdf_text(stack, victim)
    assert key not in pdf and key.replace("-", "") not in pdf.replace("-", "")  # never printed
    stranger.say(f"{number} ABCD-EFGH-JKM2-PQRS please add my new address")
    guessed = stranger.text
    unknown = Chat(stack.gateway_url, language="en")
    unknown.say("LEA-2026-999999 ABCD-EFGH-JKM2-PQRS please add my new address")
    assert guessed == unknown.text and "could not add anything" in guessed
    victim_id = internal_id(stack.var_dir, victim.sender)
    assert _entries(stack, number) == [("initial", victim_id)]

    phone = Chat(stack.gateway_url, language="en")  # the genuine client, later, on another device
    phone.say("I want to add something to my existing case")
    assert "follow-up key" in phone.text, phone.text
    assert phone.upload("contract.pdf", minimal_pdf("new contract"))["accepted"]
    phone.say(f"{number} {key.lower()} New employment contract attached")
    assert f"added to case {number}" in phone.text and "1 file(s)" in phone.text, phone.text
    assert not phone.custom  # no PDF for a follow-up
    assert _entries(stack, number) == [("initial", victim_id), ("by_key", internal_id(stack.var_dir, phone.sender))]


def test_the_employer_holding_the_pdf_cannot_add_to_the_case(stack, pair):
    """Attack (issue 12's last gap): the PDF the client hands to employers carries the case
    number and the verification code; with them the employer could add entries to the case."""
    victim, number = pair.victim, pair.victim_case["case_number"]
    victim.last = pair.victim_answer
    code = CODE.search(_pdf_text(stack, victim)).group(0)
    employer = Chat(stack.gateway_url, language="en")
    employer.say(f"{number} {code} attached is a note from the employer")
    assert "only proves that the confirmation is genuine" in employer.text, employer.text
    assert "added to case" not in employer.text
    employer.say(f"{number} verification code {code.replace('-', ' ').lower()} please add this")
    assert "added to case" not in employer.text
    assert [kind for kind, _ in _entries(stack, number)] in (["initial"], ["initial", "by_key"])
    # The verification page still shows the employer what the PDF says (its only purpose).
    page = httpx.get(f"{stack.gateway_url}/verify/{code}", headers={"Accept": "application/json"}, timeout=30)
    assert page.status_code == 200 and page.json()["case_number"] == number


def test_inside_an_enquiry_a_number_with_a_key_is_a_follow_up_never_an_answer(stack, pair):
    """A client who starts a new enquiry and types their case number and key where the form asks
    for a name: handled as a follow-up, never stored as the name."""
    victim, number = pair.victim, pair.victim_case["case_number"]
    [key] = KEY.findall("\n".join(victim.transcript))
    chat = Chat(stack.gateway_url, language="en")
    chat.say("I would like to extend my residence permit")
    chat.say(f"{number} {key} my new passport number is C01X00T47")
    assert "not taken it as an answer" in chat.text and f"added to case {number}" in chat.text, chat.text
    follow = [e for e in _entries(stack, number) if e[1] == internal_id(stack.var_dir, chat.sender)]
    assert follow == [("by_key", internal_id(stack.var_dir, chat.sender))]
