"""Submitting the finished enquiry to the routing backend and delivering the confirmation."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import backend_client, outbox
from actions.common import SKIPPED, language_of
from actions.enquiry_form import required_fields
from actions.field_registry import CASE_SLOTS, FIELDS, FORM_SLOTS, NOTE_FIELDS
from bot.fields import load_registry
from bot.models import CaseReceipt, CaseSubmission

log = logging.getLogger(__name__)


def _value(tracker: Tracker, name: str) -> Any:
    """A slot's value for the case; None when skipped or not asked for this concern
    (an answer left over after a change, e.g. an expiry date of a title changed to one that never expires)."""
    value = tracker.get_slot(name)
    asked = required_fields({n: tracker.get_slot(n) for n in FORM_SLOTS})
    name = next((spec.id for spec in FIELDS if name in spec.spec.slots), name)  # postal_code: asked with the address
    if name not in asked and name != "concern":
        return None
    return None if value in (SKIPPED, "") else value


def build_submission(tracker: Tracker, upload_ids: list[str]) -> CaseSubmission:
    """The case as the backend receives it, validated by the shared pydantic model."""
    channel = (tracker.latest_message.get("metadata") or {}).get("channel") or tracker.get_latest_input_channel() or "rest"
    # Every case column filled from the slot of the same name (content/fields.yml `case`).
    columns = load_registry().case_columns()
    fields = {name: _value(tracker, name) for name in CASE_SLOTS}
    for name, column in columns.items():
        if column.type == "date" and fields.get(name):
            fields[name] = date.fromisoformat(fields[name])
    notes = [f"[{field}: {value}]" for field in NOTE_FIELDS
             if (value := _value(tracker, field)) not in (None, "no")]  # a "no" needs no note
    if notes:
        fields["message"] = "\n".join([fields.get("message") or "", *notes]).strip()
    return CaseSubmission(
        idempotency_key=f"{tracker.sender_id[:60]}:{tracker.get_slot('submission_id')}",
        conversation_id=tracker.sender_id,
        channel=str(channel)[:20],
        language=language_of(tracker),
        concern=tracker.get_slot("concern"),
        **fields,
        upload_ids=upload_ids,
        # The client has just confirmed the summary: this is the moment of receipt, kept
        # through an outbox delivery after midnight (the backend bounds it).
        confirmed_at=datetime.now(UTC),
    )


def confirmation_payload(receipt: CaseReceipt) -> dict[str, Any]:
    """The custom payload channels render as a PDF download (README: public chat API)."""
    return {
        "type": "confirmation_pdf",
        # The link works only for the conversation it was issued to, which the client
        # names in a header (README: public chat API); nothing identifying in the URL.
        "url": f"/downloads/{receipt.download_token}",
        "filename": f"Bestaetigung-Confirmation-{receipt.case_number}.pdf",
        "case_number": receipt.case_number,
    }


def announce_receipt(dispatcher: CollectingDispatcher, receipt: CaseReceipt, conversation_id: str,
                     language: str = "de") -> None:
    """Case number, unit, Fiktionswirkung, the PDF link and the follow-up key; a follow-up gets no new PDF.

    A follow-up is this conversation's own open case of the same person and concern
    (the backend never joins another conversation's case, see docs/BACKEND.md).
    """
    if receipt.status == "follow_up":
        dispatcher.utter_message(response="utter_submitted_follow_up", case_number=receipt.case_number)
        return
    dispatcher.utter_message(response="utter_submitted", case_number=receipt.case_number,
                             unit=receipt.unit_names.get(language) or receipt.unit_names.get("de") or receipt.unit)
    if receipt.fiktionswirkung:
        dispatcher.utter_message(response="utter_submitted_fiktion")
    elif receipt.fiktion_note:
        dispatcher.utter_message(response="utter_submitted_no_fiktion")
    dispatcher.utter_message(response="utter_confirmation_document", json_message=confirmation_payload(receipt))
    if receipt.follow_up_key:
        # Only this conversation (the one that opened the case) is given it: what lets the client
        # add to the case from elsewhere. Never printed on the PDF, never logged.
        dispatcher.utter_message(response="utter_follow_up_key", case_number=receipt.case_number,
                                 follow_up_key=receipt.follow_up_key)


def cleared_form() -> list[EventType]:
    """Forget the enquiry's personal data once it is with the backend (or cancelled)."""
    return [SlotSet(name, None) for name in FORM_SLOTS] + [
        SlotSet("skipped_fields", []), SlotSet("failed_attempts", {}),
        SlotSet("submission_id", None), SlotSet("requested_slot", None), SlotSet("concern_named", None),
    ]


class ActionSubmitEnquiry(Action):
    """Sends the confirmed enquiry to the backend; queues it durably when the backend is down."""

    def name(self) -> str:
        return "action_submit_enquiry"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        try:
            uploads = await backend_client.conversation_uploads(tracker.sender_id)
        except backend_client.BackendUnavailable:
            uploads = []
        upload_ids = [u.upload_id for u in uploads][:5]
        try:
            submission = build_submission(tracker, upload_ids)
        except (ValidationError, TypeError, ValueError):
            log.warning("submission: incomplete enquiry refused before sending")
            dispatcher.utter_message(response="utter_submission_rejected")
            return []
        try:
            receipt = await backend_client.submit_case(submission)
        except backend_client.BackendUnavailable:
            outbox.enqueue(submission)
            dispatcher.utter_message(response="utter_submission_queued")
            return cleared_form() + [SlotSet("last_case_number", "queued")]
        except backend_client.BackendRejected as exc:
            log.warning("submission: backend refused the case (%s)", exc)
            dispatcher.utter_message(response="utter_submission_rejected")
            return []
        announce_receipt(dispatcher, receipt, tracker.sender_id, language_of(tracker))
        return cleared_form() + [SlotSet("last_case_number", receipt.case_number)]


class ActionResendConfirmation(Action):
    """Sends the confirmation of this conversation's case again (fresh download link)."""

    def name(self) -> str:
        return "action_resend_confirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        try:
            await outbox.deliver_pending()
            receipt = await backend_client.latest_receipt(tracker.sender_id)
        except (backend_client.BackendUnavailable, backend_client.BackendRejected):
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if receipt is None:
            if outbox.pending_for(tracker.sender_id):
                dispatcher.utter_message(response="utter_confirmation_pending")
            else:
                dispatcher.utter_message(response="utter_no_confirmation")
            return []
        announce_receipt(dispatcher, receipt, tracker.sender_id, language_of(tracker))
        return [SlotSet("last_case_number", receipt.case_number)]
