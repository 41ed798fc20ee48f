"""Attack: a stranger who knows someone's name, date of birth and nationality submits
the same matter from another conversation, hoping to learn of (or add to) their case.

Through the real stack's public chat API: the second conversation gets a case of its own,
exactly like any new case, and neither its answers nor its PDF name the first case.
Guessing a verification code to add to the case gets the same answer as an unknown
number; the genuine client, holding the PDF, adds to their case from a new conversation.
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

from tests.e2e.chat import Chat, internal_id, minimal_pdf, stored_cases
from tests.e2e.dialogue import Press, answer_until_summary, reply

pytestmark = pytest.mark.slow
SUBMIT = Press(r"^(Ja, absenden|Yes, send it)$")
CASE_NUMBER = re.compile(r"LEA-\d{4}-\d{6}")
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


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
    """The answer with case numbers and links blanked: the same for every new case."""
    return [(CASE_NUMBER.sub("N", m.get("text") or ""), (m.get("custom") or {}).get("type"),
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
    assert CASE_NUMBER.findall(stranger.text) == [own_case["case_number"]], stranger.text
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


def test_guessing_a_code_reveals_nothing_and_the_genuine_client_adds_with_theirs(stack, pair):
    victim, stranger, number = pair.victim, pair.stranger, pair.victim_case["case_number"]
    victim.last = pair.victim_answer
    code = CODE.search(_pdf_text(stack, victim)).group(0)  # printed on the victim's confirmation
    stranger.say(f"{number} ABCD-EFGH-JKMN please add my new address")
    guessed = stranger.text
    unknown = Chat(stack.gateway_url, language="en")
    unknown.say("LEA-2026-999999 ABCD-EFGH-JKMN please add my new address")
    assert guessed == unknown.text and "could not add anything" in guessed
    victim_id = internal_id(stack.var_dir, victim.sender)
    assert _entries(stack, number) == [("initial", victim_id)]

    phone = Chat(stack.gateway_url, language="en")  # the genuine client, later, on another device
    phone.say("I want to add something to my existing case")
    assert "case number and the verification code" in phone.text, phone.text
    assert phone.upload("contract.pdf", minimal_pdf("new contract"))["accepted"]
    phone.say(f"{number} {code.lower()} New employment contract attached")
    assert f"added to case {number}" in phone.text and "1 file(s)" in phone.text, phone.text
    assert not phone.custom  # no PDF for a follow-up
    assert _entries(stack, number) == [("initial", victim_id), ("by_code", internal_id(stack.var_dir, phone.sender))]
