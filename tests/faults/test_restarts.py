"""The action server or Rasa restarts in the middle of an enquiry: the conversation goes on."""

from __future__ import annotations

import pytest

from tests.e2e.chat import Chat
from tests.faults.helpers import (
    answer_until_summary, assert_complete_case, backend_rows, person, start_other_enquiry,
)

pytestmark = pytest.mark.slow


def _restart_before(stack, service: str, field: str):
    """A hook for answer_until_summary: restart `service` just before `field` is answered."""
    restarted = []

    def hook(asked: str) -> None:
        if asked == field and not restarted:
            stack.stop_service(service)
            stack.start_service(service)
            restarted.append(asked)

    return hook, restarted


@pytest.mark.parametrize("service", ["actions", "rasa"])
def test_an_enquiry_survives_a_restart_in_the_middle(stack, service):
    chat = Chat(stack.gateway_url, language="en")
    # A neutral tag: an address like "x.restart@..." is read as the start-over intent.
    answers = person({"actions": "Kilo", "rasa": "Lima"}[service])
    start_other_enquiry(chat)
    hook, restarted = _restart_before(stack, service, "nationality")
    try:
        asked = answer_until_summary(chat, answers, before_each=hook)
    finally:
        if service not in stack.services:
            stack.start_service(service)
    assert restarted == ["nationality"]
    # The answer after the restart was taken for the question asked before it:
    # every field was asked exactly once and nothing had to be repeated.
    assert asked == ["name", "date_of_birth", "nationality", "case_number", "email", "phone", "message"]
    assert "Quellmann" in chat.text and "Ukraine" in chat.text
    chat.press("send it")
    assert "case number is" in chat.text, chat.text
    [case] = backend_rows(stack.var_dir, chat.sender)
    assert_complete_case(case, answers)
