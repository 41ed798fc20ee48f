"""clamd stops in the middle of an enquiry: the upload is refused with a retry message, nothing else is lost."""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.chat import Chat, internal_id, minimal_pdf
from tests.faults.helpers import (
    answer_until_summary, assert_complete_case, backend_rows, person, start_other_enquiry,
)

pytestmark = pytest.mark.slow


def _stored_uploads(var_dir, sender: str) -> list[tuple[str, int | None]]:
    """(upload_id, case_id) of the files the backend keeps for a public sender's conversation."""
    conn = sqlite3.connect(var_dir / "backend.sqlite3")
    try:
        return conn.execute("SELECT id, case_id FROM uploads WHERE conversation_id = ?",
                            (internal_id(var_dir, sender),)).fetchall()
    finally:
        conn.close()


def test_an_upload_while_clamd_is_down_is_refused_and_the_enquiry_goes_on(stack):
    chat = Chat(stack.gateway_url, language="en")
    answers = person("Mike")
    start_other_enquiry(chat)
    chat.say(answers["name"])
    stack.stop_service("clamd")
    try:
        refused = chat.upload("passport.pdf", minimal_pdf())
    finally:
        stack.start_service("clamd")
    assert (refused["status"], refused["accepted"], refused["code"]) == (503, False, "scanner_unavailable")
    assert "virus scan is not reachable" in chat.text and "kept" in chat.text, chat.text
    assert _stored_uploads(stack.var_dir, chat.sender) == []

    # The conversation still knows the name and still waits for the date of birth.
    chat.say(answers["date_of_birth"])
    assert "nationality" in chat.text, chat.text
    accepted = chat.upload("passport.pdf", minimal_pdf())
    assert (accepted["status"], accepted["accepted"]) == (200, True), accepted
    asked = answer_until_summary(chat, answers)
    assert asked[0] == "nationality"
    chat.press("send it")
    [case] = backend_rows(stack.var_dir, chat.sender)
    assert_complete_case(case, answers)
    assert _stored_uploads(stack.var_dir, chat.sender) == [(accepted["upload"]["upload_id"], case["id"])]
