"""No secret and no personal value in any log, after finished enquiries in every channel.

The web and Telegram victims (conftest.py) each finished an enquiry: chat, upload (web),
confirmation, PDF download. Then every file in the stack's log directories is read and
searched for every value they used: public sender, internal conversation ids, chat id,
download token, names, e-mail, date of birth, file name, the bot token, the internal
service token and the conversation key. (Replaces tests/faults' web-only log test.)
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from bot.gateway.identity import KEY_VARIABLE
from bot.runner.environment import stored_secret

pytestmark = pytest.mark.slow


def _log_files(var_dir: Path) -> list[Path]:
    """Every file in the log directories (var/log, var/run) and every *.log anywhere in var/."""
    files = {p for d in ("log", "run") for p in (var_dir / d).rglob("*") if p.is_file()}
    files |= set(var_dir.rglob("*.log"))
    return sorted(p for p in files if p.suffix not in (".pid", ".sock", ".conf"))


def _cancel_a_message_midway(stack, text: str) -> None:
    """Send a message to Rasa and hang up before the answer, as a gateway timeout does.

    Rasa's REST channel then logs "rest.message.received.timeout" with the text
    unless deploy/rasa/logging.yml silences that logger.
    """
    try:
        httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", timeout=0.05,
                   headers={"X-Intake-Rasa-Token": stack.settings.rasa_token},  # as the gateway sends it
                   json={"sender": "pii-cancel-0123456789abcdef", "message": text})
    except httpx.TimeoutException:
        pass
    time.sleep(1.0)  # Rasa notices the hang-up and would log it now


def test_finished_enquiries_leave_no_secret_in_any_log(stack, web_victim, telegram_victim):
    _cancel_a_message_midway(stack, "Ich heiße Zofia Cancelledmidway, zofia.cancelled@example.net")
    secrets = {
        *web_victim.secrets(), *telegram_victim.secrets(),
        # Other spellings of the same facts.
        "webvictim", "tgvictim", "1983, 7, 14", "Cancelledmidway", "zofia.cancelled",
        stack.settings.internal_token, stored_secret(stack.var_dir, KEY_VARIABLE),
        stack.settings.rasa_token, stack.settings.actions_token,
    }
    assert telegram_victim.token and web_victim.token  # the download tokens are part of the search
    files = _log_files(stack.var_dir)
    assert {f.stem for f in files} >= {"gateway", "rasa", "actions", "backend", "clamd", "telegram"}, files
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(stack.var_dir)}: {secret!r}" for secret in sorted(secrets)
                  if re.search(re.escape(secret), text, re.IGNORECASE)]
    assert not found, f"secrets or personal data in logs: {found}"
