"""A short enquiry ("other question") driven through the public chat API, step by step."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable

from tests.e2e.chat import Chat, internal_id

# Question (regex on the assistant's last text, English) -> field it asks for.
QUESTIONS = {
    r"What is your name": "name",
    r"date of birth": "date_of_birth",
    r"nationality": "nationality",
    r"file or case number": "case_number",
    r"e-mail address": "email",
    r"phone number": "phone",
    r"describe your matter": "message",
}
SUMMARY = "check your details"


def person(tag: str) -> dict[str, str]:
    """Distinctive answers for one conversation (tag makes name and e-mail unique)."""
    return {
        "name": f"Zofia Quellmann{tag}",
        "date_of_birth": "14.07.1983",
        "nationality": "Ukraine",
        "case_number": "skip",
        "email": f"zofia.{tag.lower()}@example.net",
        "phone": "skip",
        "message": "I have a question about my file",
    }


def asked_field(chat: Chat) -> str | None:
    """Which field the assistant's last messages ask for (None: not a question we know)."""
    for pattern, name in QUESTIONS.items():
        if re.search(pattern, chat.text, re.IGNORECASE):
            return name
    return None


def start_other_enquiry(chat: Chat) -> None:
    """Open the short concern by its button payload."""
    chat.say("/enquiry_other")
    assert asked_field(chat) == "name", chat.text


def answer_until_summary(chat: Chat, answers: dict[str, str], before_each: Callable[[str], None] | None = None,
                         max_turns: int = 12) -> list[str]:
    """Answer every question until the summary; returns the fields asked, in order."""
    asked = []
    for _ in range(max_turns):
        if SUMMARY in chat.text:
            return asked
        field = asked_field(chat)
        assert field, f"unexpected message: {chat.text!r}"
        asked.append(field)
        if before_each:
            before_each(field)
        chat.say(answers[field])
    raise AssertionError(f"no summary after {max_turns} turns; asked {asked}")


def backend_rows(var_dir, sender: str) -> list[dict]:
    """The backend's cases of a public sender's conversation, with entry count and first message."""
    return conversation_rows(var_dir, internal_id(var_dir, sender))


def conversation_rows(var_dir, conversation_id: str) -> list[dict]:
    """backend_rows by the internal conversation id (as Rasa and the backend know it)."""
    conn = sqlite3.connect(var_dir / "backend.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            "SELECT cases.*, (SELECT COUNT(*) FROM case_entries e WHERE e.case_id = cases.id) AS entries,"
            " (SELECT e.message FROM case_entries e WHERE e.case_id = cases.id ORDER BY e.id LIMIT 1) AS message"
            " FROM cases WHERE conversation_id = ?", (conversation_id,))
        return [dict(r) for r in rows]
    finally:
        conn.close()


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll until condition() is true; fail with `what` after the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def assert_complete_case(case: dict, answers: dict[str, str]) -> None:
    """The stored case carries every answer of the short enquiry."""
    given, family = answers["name"].split(" ", 1)
    assert case["concern"] == "other"
    assert (case["given_names"], case["family_name"]) == (given, family)
    assert case["date_of_birth"] == "1983-07-14"
    assert case["nationality"] == "UKR"
    assert case["email"] == answers["email"]
    assert case["message"] == answers["message"]
    assert case["entries"] == 1  # stored once: no follow-up entry from a repeated delivery
