"""Telling the client what became of an uploaded file.

The gateway scans and stores every file before it says `/upload_received`; here
we only report. Accepted files are attached to the case at submission.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import backend_client
from bot.config import get_settings

REFUSAL_CODES = {"infected", "bad_type", "too_large", "total_too_large", "too_many", "empty",
                 "scanner_unavailable", "backend_unavailable"}


def upload_limits() -> dict[str, Any]:
    settings = get_settings()
    return {
        "max_files": settings.upload_max_files,
        "max_mb": settings.upload_max_file_bytes // (1024 * 1024),
        "max_total_mb": settings.upload_max_total_bytes // (1024 * 1024),
    }


def _entity(tracker: Tracker, name: str) -> str | None:
    return next(tracker.get_latest_entity_values(name), None)


async def report_upload(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> None:
    """Says whether the file was accepted or why it was refused, in the client's language."""
    limits = upload_limits()
    metadata = tracker.latest_message.get("metadata") or {}
    if intent == "upload_received":
        upload_id = _entity(tracker, "upload_id")
        try:
            uploads = await backend_client.conversation_uploads(tracker.sender_id)
        except backend_client.BackendUnavailable:
            uploads = []
        record = next((u for u in uploads if u.upload_id == upload_id), None)
        if record is None:
            # Not this conversation's file (or not stored): never confirm it.
            dispatcher.utter_message(response="utter_upload_refused")
            return
        dispatcher.utter_message(
            response="utter_upload_accepted", filename=record.filename, count=len(uploads), **limits
        )
        return
    reason = _entity(tracker, "reason") or metadata.get("reason")
    signature = _entity(tracker, "signature") or metadata.get("signature") or "?"
    name = f"utter_upload_refused_{reason}" if reason in REFUSAL_CODES else "utter_upload_refused"
    dispatcher.utter_message(response=name, signature=signature, **limits)


class ActionHandleUpload(Action):
    """Reports an upload outside the enquiry form (files may come before the enquiry)."""

    def name(self) -> str:
        return "action_handle_upload"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if _asks_a_question(tracker):
            # Typed words the NLU took for an upload ("are the attachments safe?"): the conversation
            # model answers them. The gateway's own reports ("/upload_received{...}") never get here.
            from actions.converse import ActionConverse

            return await ActionConverse().run(dispatcher, tracker, domain)
        await report_upload(dispatcher, tracker, intent)
        return []


def _asks_a_question(tracker: Tracker) -> bool:
    """Whether a typed message (not the gateway's /upload_... report) asks a question the model answers."""
    from actions.converse import turn_context
    from actions.dialogue.commands import AskQuestion
    from actions.dialogue.understand import Parse, interpret

    text = tracker.latest_message.get("text") or ""
    if not text.strip() or text.startswith("/"):
        return False
    intent = tracker.latest_message.get("intent") or {}
    commands = interpret(Parse(text, intent.get("name"), intent.get("confidence") or 0.0), turn_context(tracker))
    return any(isinstance(c, AskQuestion) for c in commands)
