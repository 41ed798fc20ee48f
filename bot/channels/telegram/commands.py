"""The bot's command menu: /start, /help, /cancel, /language, /confirmation, in German and English.

``publish(bot)`` sets the menu Telegram shows next to the input field (set_my_commands)
for German clients, English clients and everyone else (English). ``register`` adds the
handlers; each command becomes what the assistant already understands, so the
conversation core stays channel-free:

- /help -> ``/show_menu`` (the assistant's menu), /cancel -> ``/cancel``,
  /confirmation -> ``/request_confirmation`` (intent payloads, as buttons send them:
  they mean the same whatever language the conversation is in);
- /language -> two buttons, Deutsch and English, which ask the assistant to switch.

/start is the bridge's own greeting (bridge.py).
"""

from __future__ import annotations

import logging

from telegram import BotCommand, Bot, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, ContextTypes, filters

from .texts import COMMANDS, LANGUAGE_CHOICES, language_of, text

log = logging.getLogger(__name__)

# Command -> intent payload sent to the assistant.
PAYLOADS = {"help": "/show_menu", "cancel": "/cancel", "confirmation": "/request_confirmation"}


async def publish(bot: Bot) -> None:
    """Set the command menu in both languages; a failure is logged, the bridge runs on."""
    try:
        for language_code in ("de", "en"):
            await bot.set_my_commands(_menu(language_code), language_code=language_code)
        await bot.set_my_commands(_menu("en"))  # clients in any other language
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", type(exc).__name__)


def _menu(language: str) -> list[BotCommand]:
    return [BotCommand(command, description) for command, description in COMMANDS[language].items()]


def register(application: Application, bridge) -> None:
    """Handle the menu's commands before the bridge's text handler (group -1, then stop)."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

    async def forward(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Sends the command's payload to the assistant like a button press."""
        command = update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()
        await bridge._converse(update, context, PAYLOADS[command], _language(update))
        raise ApplicationHandlerStop

    async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Offers Deutsch and English as buttons; pressing one asks the assistant to switch."""
        language = _language(update)
        buttons = [{"title": title, "payload": payload} for title, payload in LANGUAGE_CHOICES]
        prompt = [{"text": text("choose_language", language), "buttons": buttons}]
        await bridge._show(context, update.effective_chat.id, prompt, language)
        raise ApplicationHandlerStop

    application.add_handler(CommandHandler(list(PAYLOADS), forward, filters=private), group=-1)
    application.add_handler(CommandHandler("language", choose_language, filters=private), group=-1)


def _language(update: Update) -> str:
    user = update.effective_user
    return language_of(user.language_code if user else None)
