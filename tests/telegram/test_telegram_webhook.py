"""Bridge unit tests of webhook mode and of the start-up decision (telegram_status, the CLI)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import httpx
import pytest
import pytest_asyncio

from bot.channels.telegram import build_application, start, stop, telegram_status
from bot.config import PROJECT_ROOT, Settings
from tests.telegram.support import bridge_settings

SECRET = "s3cret-Token_for_tests"
CHAT = 5150


def _free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest_asyncio.fixture
async def webhook_bridge(fake_telegram, gateway):
    """The bridge in webhook mode, listening on a free loopback port."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = bridge_settings(
        fake_telegram, gateway.url, telegram_mode="webhook", telegram_webhook_port=port,
        telegram_webhook_url=url, telegram_webhook_secret=SECRET,
    )
    application = build_application(settings)
    await start(application, settings)
    yield url
    await stop(application)


@pytest.mark.asyncio
async def test_webhook_registers_itself_with_its_secret(webhook_bridge, fake_telegram):
    """Starting in webhook mode tells Telegram the public URL and the secret token."""
    assert fake_telegram.webhook == {"url": webhook_bridge, "secret_token": SECRET}
    assert fake_telegram.requests("getUpdates") == []


@pytest.mark.asyncio
async def test_webhook_refuses_missing_or_wrong_secret_and_processes_the_right_one(
    webhook_bridge, fake_telegram, gateway
):
    """Without or with a wrong X-Telegram-Bot-Api-Secret-Token: 403 and nothing happens."""
    async with httpx.AsyncClient() as client:
        def post(text: str, headers: dict) -> object:
            update = fake_telegram.text_update(CHAT, text)
            return client.post(webhook_bridge, json=update, headers=headers)

        missing = await post("ohne Geheimnis", {})
        wrong = await post("falsches Geheimnis", {"X-Telegram-Bot-Api-Secret-Token": "guess"})
        right = await post("richtig", {"X-Telegram-Bot-Api-Secret-Token": SECRET})

    assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    [reply] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert reply["text"] == "echo: richtig"
    assert gateway.messages_of(CHAT) == ["richtig"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "INTAKE_TELEGRAM_TOKEN"),
        ({"telegram_token": "1:x", "telegram_mode": "webhook"}, "INTAKE_TELEGRAM_WEBHOOK_SECRET"),
        ({"telegram_token": "1:x", "telegram_mode": "webhook", "telegram_webhook_secret": "a b",
          "telegram_webhook_url": "https://example.org/tg"}, "A-Z, a-z, 0-9"),
        ({"telegram_token": "1:x", "telegram_mode": "webhook", "telegram_webhook_secret": SECRET},
         "INTAKE_TELEGRAM_WEBHOOK_URL"),
    ],
)
def test_status_names_what_is_missing(overrides, expected):
    """telegram_status says why the bot is off, naming the variable to set."""
    reason = telegram_status(Settings(**{"telegram_token": "", **overrides}))
    assert reason is not None and expected in reason


@pytest.mark.parametrize(
    "overrides",
    [
        {"telegram_token": "1:x"},
        {"telegram_token": "1:x", "telegram_mode": "webhook", "telegram_webhook_secret": SECRET,
         "telegram_webhook_url": "https://example.org/tg"},
    ],
)
def test_status_is_none_when_the_bot_can_run(overrides):
    """Complete settings give no reason."""
    assert telegram_status(Settings(**overrides)) is None


def test_module_without_token_says_it_is_off_and_exits_0():
    """`python -m bot.channels.telegram` without a token prints why and exits 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_TELEGRAM")}
    result = subprocess.run(
        [sys.executable, "-m", "bot.channels.telegram"], cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0
    assert "Telegram bot is off" in result.stdout and "INTAKE_TELEGRAM_TOKEN" in result.stdout
