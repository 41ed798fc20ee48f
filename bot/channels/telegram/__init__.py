"""Telegram bridge: a thin python-telegram-bot adapter over the gateway's public HTTP API.

Usage::

    INTAKE_TELEGRAM_TOKEN=123:abc python -m bot.channels.telegram

Without a token it prints why it is off and exits 0. See docs/TELEGRAM.md.
"""

from .app import build_application, main, run, start, stop, telegram_status

__all__ = ["build_application", "main", "run", "start", "stop", "telegram_status"]
