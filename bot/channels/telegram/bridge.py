"""Telegram handlers: forward what the user sends to the gateway and show what comes back."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatAction, ChatType, MessageLimit
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.config import Settings

from .gateway import ConfirmationPending, GatewayClient, GatewayUnavailable, UploadOutcome
from .keyboard import CallbackPayloads, build_keyboard
from .texts import GREETING, both, language_of, text

log = logging.getLogger(__name__)

PHOTO_CONTENT_TYPE = "image/jpeg"  # Telegram re-encodes every photo as JPEG.
# A confirmation PDF still being rendered (503 pdf_pending) is fetched again after its
# Retry-After: at most PDF_TRIES fetches, and no wait that would end after PDF_WAIT_BUDGET_S.
# Only this chat waits (its updates run in order, ordering.py); other chats go on.
PDF_TRIES = 3
PDF_WAIT_BUDGET_S = 20.0
PDF_MIN_WAIT_S = 0.5


class TelegramBridge:
    """Thin adapter between Telegram chats and the gateway's chat and upload API."""

    def __init__(self, settings: Settings, gateway: GatewayClient):
        self.settings = settings
        self.gateway = gateway
        self.payloads = CallbackPayloads()
        # Keyed hash: chat ids are short numbers, an unkeyed hash would be reversible.
        self._log_key = settings.internal_token.encode("utf-8")

    def register(self, application: Application) -> None:
        """Adds the handlers and the error handler to a PTB application."""
        # Edits are not forwarded: the assistant has already answered the original.
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        application.add_handler(CommandHandler("start", self.on_start, filters=private))
        application.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        application.add_handler(MessageHandler(private & filters.Document.ALL, self.on_document))
        application.add_handler(MessageHandler(private & filters.PHOTO, self.on_photo))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(private, self.on_unsupported))
        application.add_handler(MessageHandler(filters.ChatType.GROUPS, self.on_group))
        application.add_error_handler(self.on_error)

    def chat_ref(self, chat_id: int) -> str:
        """A log-safe reference to a chat (keyed hash, never the id itself)."""
        digest = hmac.new(self._log_key, str(chat_id).encode(), hashlib.sha256)
        return digest.hexdigest()[:12]

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greets by asking the assistant to greet in the user's language."""
        language = _language(update)
        await self._converse(update, context, GREETING[language], language)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Sends a typed message on to the assistant (a leading slash is dropped, see _typed)."""
        message = _typed(update.effective_message.text)
        if message:
            await self._converse(update, context, message, _language(update))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers a button press, removes the keyboard and sends the button's payload on."""
        query = update.callback_query
        chat = update.effective_chat
        await query.answer()
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        language = _language(update)
        payload = self.payloads.decode(chat.id, query.data or "")
        if payload is None:
            await context.bot.send_message(chat.id, text("button_expired", language))
            return
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError:
            pass  # the message may be too old to edit; the answer matters more
        await self._converse(update, context, payload, language)

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Downloads a sent document and hands it to the gateway's upload check."""
        document = update.effective_message.document
        filename = document.file_name or f"document-{document.file_unique_id}"
        await self._upload(
            update, context, document.file_id, document.file_size, filename,
            document.mime_type or "application/octet-stream",
        )

    async def on_photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Downloads the largest size of a sent photo and hands it to the upload check."""
        photo = max(update.effective_message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        filename = f"photo-{photo.file_unique_id}.jpg"
        await self._upload(update, context, photo.file_id, photo.file_size, filename, PHOTO_CONTENT_TYPE)

    async def on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says which kinds of message the assistant understands."""
        await update.effective_message.reply_text(text("unsupported", _language(update)))

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Refuses group chats: an enquiry holds personal data and belongs in a private chat."""
        if update.effective_message and update.effective_message.text:
            if update.effective_message.text.startswith("/start"):
                await update.effective_message.reply_text(text("private_only", _language(update)))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs the failure without content and apologises in both languages."""
        chat = update.effective_chat if isinstance(update, Update) else None
        ref = self.chat_ref(chat.id) if chat else "-"
        log.error("update failed in chat %s: %s", ref, type(context.error).__name__)
        if chat is not None and chat.type == ChatType.PRIVATE:
            try:
                await context.bot.send_message(chat.id, both("unavailable"))
            except TelegramError:
                log.error("could not apologise in chat %s", ref)

    async def _converse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: str, language: str
    ) -> None:
        """One turn: the message to the gateway, its answers back to the chat."""
        chat_id = update.effective_chat.id
        await _typing(context, chat_id)
        try:
            answers = await self.gateway.send_message(chat_id, message, language)
        except GatewayUnavailable as exc:
            await self._apologise(context, chat_id, exc)
            return
        await self._show(context, chat_id, answers, language)

    async def _upload(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        file_id: str,
        size: int | None,
        filename: str,
        content_type: str,
    ) -> None:
        """Size check, download from Telegram, upload to the gateway, show its answer."""
        chat_id = update.effective_chat.id
        language = _language(update)
        limit = self.settings.upload_max_file_bytes
        if size is not None and size > limit:
            await context.bot.send_message(
                chat_id, text("file_too_large", language, limit_mb=limit // (1024 * 1024))
            )
            return
        await _typing(context, chat_id)
        telegram_file = await context.bot.get_file(file_id)
        data = bytes(await telegram_file.download_as_bytearray())
        log.info("chat %s sent a file of %d bytes", self.chat_ref(chat_id), len(data))
        try:
            outcome = await self.gateway.upload(chat_id, filename, data, content_type, language)
        except GatewayUnavailable as exc:
            await self._apologise(context, chat_id, exc)
            return
        await self._show_upload(context, chat_id, outcome, language)

    async def _show_upload(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, outcome: UploadOutcome, language: str
    ) -> None:
        """Shows the gateway's answer to an upload, or a plain refusal when it sent none."""
        log.info("upload in chat %s: %s", self.chat_ref(chat_id), outcome.code)
        if outcome.messages:
            await self._show(context, chat_id, outcome.messages, language)
        elif not outcome.accepted:
            await context.bot.send_message(chat_id, text("file_refused", language))

    async def _show(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        answers: list[dict[str, Any]],
        language: str,
    ) -> None:
        """Sends the assistant's messages: text with buttons, and confirmation documents."""
        for answer in answers:
            custom = answer.get("custom")
            if isinstance(custom, dict) and custom.get("type") == "confirmation_pdf":
                await self._send_confirmation(context, chat_id, custom)
            body = answer.get("text")
            buttons = answer.get("buttons") or []
            keyboard = build_keyboard(buttons, chat_id, self.payloads) if buttons else None
            if not body and keyboard is None:
                continue
            await _send_text(context, chat_id, body or text("choose", language), keyboard)

    async def _send_confirmation(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, custom: dict[str, Any]
    ) -> None:
        """Fetches the confirmation PDF from the gateway and sends it as a document; while it is
        still being rendered, asks again after Retry-After (bounded), then says so in both languages."""
        url = str(custom.get("url", ""))
        deadline = time.monotonic() + PDF_WAIT_BUDGET_S
        for attempt in range(1, PDF_TRIES + 1):
            try:
                data = await self.gateway.download(url, chat_id)
                break
            except ConfirmationPending as pending:
                wait = max(pending.retry_after, PDF_MIN_WAIT_S)
                if attempt == PDF_TRIES or time.monotonic() + wait > deadline:
                    log.info("confirmation for chat %s still pending after %d tries", self.chat_ref(chat_id), attempt)
                    await context.bot.send_message(chat_id, both("pdf_pending"))
                    return
                await _show_action(context, chat_id, ChatAction.UPLOAD_DOCUMENT)
                await asyncio.sleep(wait)
            except GatewayUnavailable as exc:
                await self._apologise(context, chat_id, exc)
                return
        filename = str(custom.get("filename") or "confirmation.pdf")
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
        await context.bot.send_document(chat_id, document=data, filename=filename)
        log.info("chat %s received its confirmation (%d bytes)", self.chat_ref(chat_id), len(data))

    async def _apologise(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, exc: Exception) -> None:
        """Tells the user, in both languages, that the assistant is unreachable."""
        log.warning("gateway unavailable for chat %s: %s", self.chat_ref(chat_id), exc)
        await context.bot.send_message(chat_id, both("unavailable"))


def _typed(message: str) -> str:
    """Typed text without leading slashes: "/help" becomes "help", and nobody can type a
    Rasa intent payload ("/inform{...}") that skips understanding; buttons still send them."""
    return message.lstrip("/").strip() if message.startswith("/") else message


def _language(update: Update) -> str:
    """The language preset from the user's Telegram settings."""
    user = update.effective_user
    return language_of(user.language_code if user else None)


async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Shows "typing…" while the assistant thinks; a failure here is not worth an error."""
    await _show_action(context, chat_id, ChatAction.TYPING)


async def _show_action(context: ContextTypes.DEFAULT_TYPE, chat_id: int, action: str) -> None:
    """Shows a chat action ("typing…", "sending a file…"); a failure here is not worth an error."""
    try:
        await context.bot.send_chat_action(chat_id, action)
    except TelegramError:
        pass


async def _send_text(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, body: str, keyboard: Any
) -> Message:
    """Sends plain text (no Markdown: the assistant's text is not escaped for it), split if long."""
    limit = MessageLimit.MAX_TEXT_LENGTH
    parts = [body[i : i + limit] for i in range(0, len(body), limit)] or [body]
    for part in parts[:-1]:
        await context.bot.send_message(chat_id, part)
    return await context.bot.send_message(chat_id, parts[-1], reply_markup=keyboard)
