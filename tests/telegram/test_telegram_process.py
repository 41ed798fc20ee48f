"""Bridge unit test of the real entry point: `python -m bot.channels.telegram` as a process,
polling the fake Bot API and talking to the recording gateway, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.asyncio

CHAT = 90817263


async def test_process_answers_and_stops_cleanly_on_sigterm(fake_telegram, gateway, tmp_path):
    """The module runs the bridge from the environment, answers, and exits 0 on SIGTERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update({
        "INTAKE_TELEGRAM_TOKEN": fake_telegram.token,
        "INTAKE_TELEGRAM_BASE_URL": fake_telegram.base_url,
        "INTAKE_TELEGRAM_BASE_FILE_URL": fake_telegram.base_file_url,
        "INTAKE_PUBLIC_URL": gateway.url,
        "INTAKE_INTERNAL_TOKEN": "process-test-token",
        "INTAKE_VAR_DIR": str(tmp_path),
    })
    log_path = tmp_path / "telegram.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.channels.telegram"], cwd=PROJECT_ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        fake_telegram.push_text(CHAT, "/start", language_code="en")
        fake_telegram.push_text(CHAT, "Mein Name ist Erika Mustermann", language_code="de")
        replies = await fake_telegram.wait_for_messages(CHAT, 2, timeout=30)
        assert [r["text"] for r in replies] == ["echo: Hello", "echo: Mein Name ist Erika Mustermann"]
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=30)
    logged = log_path.read_text()
    assert returncode == 0, logged
    for secret in (fake_telegram.token, "Mustermann", str(CHAT)):
        assert secret not in logged
