"""Builds and runs the Telegram bridge (polling for development, webhook in production)."""

from __future__ import annotations

import logging
import re
import sys
import time
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.config import Settings, get_settings
from bot.safe_start import safe_start
from bot.logsafety import configure_logging as configure_service_logging

from . import commands
from .bridge import TelegramBridge
from .gateway import GatewayClient
from .ordering import PerChatUpdateProcessor

log = logging.getLogger(__name__)

# Only what the bridge handles; edits, reactions, channel posts are never fetched.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Telegram's rule for secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def telegram_status(settings: Settings) -> str | None:
    """Why the Telegram bot cannot run with these settings, or None when it can."""
    if not settings.telegram_token:
        return "Telegram bot is off: INTAKE_TELEGRAM_TOKEN is not set (see docs/TELEGRAM.md)."
    if settings.telegram_mode != "webhook":
        return None
    if not settings.telegram_webhook_secret:
        return "Telegram bot is off: webhook mode needs INTAKE_TELEGRAM_WEBHOOK_SECRET."
    if not SECRET_PATTERN.match(settings.telegram_webhook_secret):
        return (
            "Telegram bot is off: INTAKE_TELEGRAM_WEBHOOK_SECRET may only hold "
            "A-Z, a-z, 0-9, _ and - (1-256 characters)."
        )
    if not urlsplit(settings.telegram_webhook_url).scheme:
        return "Telegram bot is off: webhook mode needs INTAKE_TELEGRAM_WEBHOOK_URL (public https URL)."
    return None


class UpdatesRequest(HTTPXRequest):
    """PTB's getUpdates connection (its defaults: one connection), remembering whether Telegram
    answered the last long poll: PTB's updater keeps running, and retrying, while the Bot API
    is unreachable, so `updater.running` alone says nothing about receiving updates."""

    def __init__(self) -> None:
        super().__init__(connection_pool_size=1)
        self.answered_at: float | None = None
        self.failed_at: float | None = None

    async def do_request(self, *args, **kwargs):
        try:
            status, payload = await super().do_request(*args, **kwargs)
        except Exception:
            self.failed_at = time.monotonic()
            raise
        if status == 200:
            self.answered_at = time.monotonic()
        else:
            self.failed_at = time.monotonic()
        return status, payload

    def failing(self) -> bool:
        """The last getUpdates failed (refused, timed out, an error status) and none succeeded since."""
        return self.failed_at is not None and (self.answered_at is None or self.failed_at > self.answered_at)


def build_application(settings: Settings, gateway: GatewayClient | None = None) -> Application:
    """A PTB application wired to the gateway; it closes the gateway client on shutdown."""
    # The internal token also exempts the bridge from the gateway's per-address limits.
    gateway = gateway or GatewayClient(settings.telegram_gateway_url or settings.public_url, settings.internal_token)

    async def close_gateway(_: Application) -> None:
        await gateway.aclose()

    async def publish_commands(application: Application) -> None:
        await commands.publish(application.bot)

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .concurrent_updates(PerChatUpdateProcessor())
        # Flood control: stays under Telegram's limits (30 messages/s overall, 20/min per
        # group) and waits out a 429 "retry after" instead of losing the message.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(publish_commands)
        .post_shutdown(close_gateway)
        .get_updates_request(updates := UpdatesRequest())
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if settings.telegram_base_file_url:
        builder = builder.base_file_url(settings.telegram_base_file_url)
    application = builder.build()
    bridge = TelegramBridge(settings, gateway)
    bridge.register(application)
    commands.register(application, bridge)
    application.bot_data["bridge"] = bridge
    application.bot_data["updates_request"] = updates
    return application


async def start(application: Application, settings: Settings, poll_timeout: int = 10) -> None:
    """Starts the bridge inside a running event loop (for the run command and tests)."""
    await application.initialize()
    await commands.publish(application.bot)  # run_polling/run_webhook do this in post_init
    await application.start()
    if settings.telegram_mode == "webhook":
        await application.updater.start_webhook(**_webhook_options(settings))
    else:
        await application.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)


async def stop(application: Application) -> None:
    """Stops what start() started, finishing updates already being handled."""
    if application.updater and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


def run(settings: Settings) -> None:
    """Runs the bridge until interrupted (blocking, owns its event loop)."""
    application = build_application(settings)
    log.info("Telegram bridge: %s mode, gateway %s", settings.telegram_mode,
             settings.telegram_gateway_url or settings.public_url)
    start_health_server(settings, application)
    if settings.telegram_mode == "webhook":
        application.run_webhook(**_webhook_options(settings))
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)


def start_health_server(settings: Settings, application: Application) -> None:
    """/health/live, /health/ready (gateway reachable, updates being fetched) and /metrics."""
    from bot.ops import sidecar
    from bot.ops.health import http_check

    async def receiving() -> str | None:
        updater = application.updater
        if not (application.running and updater and updater.running):
            return "not receiving updates yet"
        updates = application.bot_data.get("updates_request")
        if settings.telegram_mode != "webhook" and updates is not None and updates.failing():
            return "Telegram not reachable"  # polling: the last getUpdates failed
        return None

    gateway = (settings.telegram_gateway_url or settings.public_url).rstrip("/")
    sidecar.serve(settings.host, settings.telegram_health_port, lambda: {
        "gateway": http_check(f"{gateway}/health", "gateway"),
        "telegram": receiving,
    }, settings.metrics_token)


def _webhook_options(settings: Settings) -> dict:
    """Where PTB's webhook server listens; Telegram must send the secret header to be heard."""
    return {
        "listen": settings.host,
        "port": settings.telegram_webhook_port,
        "url_path": urlsplit(settings.telegram_webhook_url).path.lstrip("/"),
        "webhook_url": settings.telegram_webhook_url,
        "secret_token": settings.telegram_webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def configure_logging() -> None:
    """INFO logs without the token: httpx would log every Bot API URL, which contains it."""
    configure_service_logging(service="telegram", log_format=get_settings().log_format)


def main() -> int:
    """Entry point of `python -m bot.channels.telegram`; the exit code says what happened."""
    settings = get_settings()
    reason = telegram_status(settings)
    if reason:
        print(reason)
        return 0 if not settings.telegram_token else 2
    safe_start(settings, "telegram", "internal_token")  # also the key of the chat references in logs
    configure_logging()
    try:
        run(settings)
    except InvalidToken:
        print("Telegram refused INTAKE_TELEGRAM_TOKEN; check it with @BotFather.", file=sys.stderr)
        return 1
    except NetworkError as exc:
        print(f"Telegram Bot API not reachable: {type(exc).__name__}", file=sys.stderr)
        return 1
    return 0
