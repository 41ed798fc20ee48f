"""Adding to an existing case from any conversation: case number + verification code.

The client sends, in one message, the case number and the verification code printed
on their confirmation, and what they want to add (files uploaded before are attached).
Knowing a name and a date of birth is not enough: that only ever opens a case of its
own (docs/BACKEND.md). The plain functions here (``parse_reference``, ``add_to_case``)
carry the logic; ``ActionAddToCase`` only wires them into Rasa.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import backend_client
from actions.common import latest_text
from bot.models import CaseFollowUp

log = logging.getLogger(__name__)
# The label a client may type before each ("Vorgangsnummer LEA-...", "code ABCD-...") goes too.
_NUMBER_LABEL = r"(?:(?:vorgangsnummer|vorgang|aktenzeichen|case number|case no\.?|case|file number)\s*:?\s*)?"
_CODE_LABEL = r"(?:(?:prüfcode|pruefcode|verification code|code)\s*:?\s*)?"
CASE_NUMBER = re.compile(_NUMBER_LABEL + r"\bLEA[\s-]*(\d{4})[\s-]*(\d{6})\b", re.IGNORECASE)
# The printed form XXXX-XXXX-XXXX (also with spaces); else a 12-character block with a digit.
CODE_GROUPED = re.compile(_CODE_LABEL + r"\b([0-9A-Z]{4})[\s-]([0-9A-Z]{4})[\s-]([0-9A-Z]{4})\b", re.IGNORECASE)
CODE_PLAIN = re.compile(_CODE_LABEL + r"\b((?=[A-Z]*\d)[0-9A-Z]{12})\b", re.IGNORECASE)
_EDGES = " ,;:.-–"


@dataclass(frozen=True)
class Reference:
    """What the client typed: case number, verification code, and the rest (their message)."""

    case_number: str | None
    code: str | None
    message: str


def parse_reference(text: str) -> Reference:
    """Split a message into case number, code and the remaining text (the client's message)."""
    number = CASE_NUMBER.search(text)
    rest = text[:number.start()] + " , " + text[number.end():] if number else text
    code = CODE_GROUPED.search(rest) or CODE_PLAIN.search(rest)
    if code:
        rest = rest[:code.start()] + " , " + rest[code.end():]
    parts = [part.strip(_EDGES) for part in re.split(r"\s*,\s*,\s*|^\s*,\s*|\s*,\s*$", rest)]
    message = re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip(_EDGES)
    return Reference(
        case_number=f"LEA-{number.group(1)}-{number.group(2)}" if number else None,
        code="".join(g for g in code.groups() if g).upper() if code else None,
        message=message,
    )


def has_reference(text: str) -> bool:
    """True when a message carries both a case number and a code (then it is a follow-up)."""
    reference = parse_reference(text)
    return bool(reference.case_number and reference.code)


async def add_to_case(conversation_id: str, channel: str, reference: Reference, upload_ids: list[str],
                      message_id: str) -> tuple[str, dict]:
    """Send the follow-up; returns the response to utter and its values.

    Unknown number, wrong code and a locked case get one neutral answer.
    """
    key = hashlib.sha256(f"{conversation_id}\x1f{message_id}".encode()).hexdigest()[:32]
    request = CaseFollowUp(
        idempotency_key=f"fu:{key}", conversation_id=conversation_id, channel=channel[:20],
        case_number=reference.case_number or "", verification_code=reference.code or "",
        message=reference.message[:2000] or None, upload_ids=upload_ids,
    )
    try:
        receipt = await backend_client.add_to_case(request)
    except backend_client.FollowUpRefused:
        return "utter_follow_up_refused", {}
    except backend_client.CaseClosed:
        return "utter_follow_up_closed", {}
    except backend_client.BackendUnavailable:
        return "utter_service_unavailable", {}
    except backend_client.BackendRejected as exc:
        log.warning("follow-up: backend refused (%s)", exc)
        return "utter_follow_up_refused", {}
    return "utter_follow_up_added", {"case_number": receipt.case_number, "files": len(upload_ids)}


class ActionAddToCase(Action):
    """Adds the client's message and files to their case when number and code are given; else explains how."""

    def name(self) -> str:
        return "action_add_to_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        reference = parse_reference(latest_text(tracker))
        if not (reference.case_number and reference.code):
            dispatcher.utter_message(response="utter_follow_up_how")
            return []
        try:
            uploads = await backend_client.conversation_uploads(tracker.sender_id)
        except backend_client.BackendUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        if not reference.message and not uploads:
            dispatcher.utter_message(response="utter_follow_up_empty")
            return []
        channel = (tracker.latest_message.get("metadata") or {}).get("channel") or "rest"
        message_id = tracker.latest_message.get("message_id") or latest_text(tracker)
        response, values = await add_to_case(tracker.sender_id, str(channel), reference,
                                             [u.upload_id for u in uploads][:5], str(message_id))
        dispatcher.utter_message(response=response, **values)
        return []
