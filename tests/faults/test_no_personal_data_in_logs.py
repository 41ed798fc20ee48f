"""No personal data in any log: names, dates of birth, e-mail addresses and file names stay out."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.e2e.chat import Chat, minimal_pdf
from tests.faults.helpers import answer_until_summary, backend_rows, start_other_enquiry

pytestmark = pytest.mark.slow

ANSWERS = {
    "name": "Zofia Quellmannpapa",
    "date_of_birth": "29.02.1976",
    "nationality": "Ukraine",
    "case_number": "skip",
    "email": "zofia.quellmannpapa@example.net",
    "phone": "+49 170 9876543",
    "message": "Bitte schreiben Sie an zofia.quellmannpapa@example.net, geboren 29.02.1976",
}
FILENAME = "Reisepass_Quellmannpapa.pdf"
# Every form in which these facts could be written to a log.
SECRETS = ["Quellmannpapa", "quellmannpapa", "zofia.quellmannpapa", "29.02.1976", "1976-02-29",
           "1976, 2, 29", "170 9876543", "1709876543", FILENAME]


def _log_files(stack) -> list:
    """Every log the stack writes: each service's log and clamd's."""
    files = sorted(stack.var_dir.glob("log/*.log")) + sorted(stack.var_dir.glob("run/*.log"))
    assert {f.stem for f in files} >= {"gateway", "rasa", "actions", "backend", "clamd"}, files
    return files


def _cancel_a_message_midway(stack, text: str) -> None:
    """Send a message to Rasa and hang up before the answer, as a gateway timeout does.

    Rasa's REST channel then logs "rest.message.received.timeout" with the text
    unless deploy/rasa/logging.yml silences that logger.
    """
    try:
        httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": "pii-cancel", "message": text},
                   timeout=0.05)
    except httpx.TimeoutException:
        pass
    time.sleep(1.0)  # Rasa notices the hang-up and would log it now


def test_a_whole_enquiry_leaves_no_personal_data_in_any_log(stack):
    chat = Chat(stack.gateway_url, language="en")
    start_other_enquiry(chat)
    chat.say(ANSWERS["name"])
    assert chat.upload(FILENAME, minimal_pdf("Quellmannpapa"))["accepted"]
    answer_until_summary(chat, ANSWERS)
    chat.say("my email is wrong, it is zofia.quellmannpapa@example.net")  # a correction, free text
    if "check your details" not in chat.text:
        answer_until_summary(chat, ANSWERS)
    chat.press("send it")
    [case] = backend_rows(stack.var_dir, chat.sender)
    assert case["family_name"] == "Quellmannpapa"
    chat.say("send my confirmation")
    [payload] = [c for c in chat.custom if c.get("type") == "confirmation_pdf"]
    assert httpx.get(f"{stack.gateway_url}{payload['url']}", timeout=30).status_code == 200

    _cancel_a_message_midway(stack, "Ich heiße Zofia Quellmannpapa")

    found = []
    for path in _log_files(stack):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.name}: {secret!r}" for secret in SECRETS if re.search(re.escape(secret), text, re.I)]
    assert not found, f"personal data in logs: {found}"
