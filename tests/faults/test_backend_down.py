"""The backend is down when the client confirms: the case is queued, delivered once, confirmed."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.e2e.chat import Chat, fetch_confirmation
from tests.faults.helpers import (
    answer_until_summary, assert_complete_case, backend_rows, person, start_other_enquiry, wait_for,
)

pytestmark = pytest.mark.slow
RETRY_INTERVAL_S = 3.0  # actions/outbox.py


def test_a_case_confirmed_while_the_backend_is_down_arrives_exactly_once(stack):
    chat = Chat(stack.gateway_url, language="en")
    answers = person("Outbox")
    start_other_enquiry(chat)
    answer_until_summary(chat, answers)
    stack.stop_service("backend")
    try:
        before = datetime.now(UTC)
        chat.press("send it")
        confirmed_by = datetime.now(UTC)
        assert "stored safely" in chat.text and "exactly once" in chat.text, chat.text
        assert not chat.custom  # no confirmation promised before the office has the case
    finally:
        stack.start_service("backend")

    wait_for(lambda: backend_rows(stack.var_dir, chat.sender), 3 * RETRY_INTERVAL_S + 10, "the queued case")
    time.sleep(2 * RETRY_INTERVAL_S)  # more retry rounds must not add a second copy
    [case] = backend_rows(stack.var_dir, chat.sender)
    assert_complete_case(case, answers)
    # The moment of receipt is the client's confirmation, not the later delivery (issue 13).
    received_at = datetime.fromisoformat(str(case["received_at"])).replace(tzinfo=UTC)
    assert before <= received_at <= confirmed_by, (before, received_at, confirmed_by)

    chat.say("send my confirmation")
    [payload] = [c for c in chat.custom if c.get("type") == "confirmation_pdf"]
    assert payload["case_number"] == case["case_number"]
    pdf = fetch_confirmation(stack.gateway_url, payload["url"], chat.sender)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert len(backend_rows(stack.var_dir, chat.sender)) == 1
