"""Adding to an existing case: from the conversation that opened it, or with its follow-up key.

The client sends, in one message, the case number, the follow-up key shown to them in
the chat after sending (XXXX-XXXX-XXXX-XXXX, never printed on the confirmation) and what
they want to add (files uploaded before are attached). In the conversation that opened
the case the case number is enough. The verification code printed on the confirmation
(XXXX-XXXX-XXXX) only verifies: anyone shown the PDF has it, so typing it gets an
explanation and nothing is sent to the backend. Knowing a name and a date of birth is
not enough either: that only ever opens a case of its own (docs/BACKEND.md). The plain
functions here (``parse_reference``, ``add_to_case``) carry the logic; ``ActionAddToCase``
only wires them into Rasa.
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
from actions.common import latest_intent, latest_text
from bot import case_numbers
from bot.models import CaseFollowUp

log = logging.getLogger(__name__)
# The label a client may type before each ("Vorgangsnummer LEA-...", "code ABCD-...") goes too.
_NUMBER_LABEL = re.compile(r"(?:vorgangsnummer|vorgang|aktenzeichen|case number|case no\.?|case|file number)\s*:?\s*$",
                           re.IGNORECASE)
_CODE_LABEL = r"(?:(?:prüfcode|pruefcode|verification code|code)\s*:?\s*)?"
_KEY_LABEL = (r"(?:(?:nachreichungsschlüssel|nachreichungsschluessel|schlüssel|schluessel|follow-up key|"
              r"follow up key|key)\s*:?\s*)?")
# The follow-up key: four groups of four (also with spaces), or a 16-character block with a digit.
KEY_GROUPED = re.compile(_KEY_LABEL + r"\b([0-9A-Z]{4})[\s-]([0-9A-Z]{4})[\s-]([0-9A-Z]{4})[\s-]([0-9A-Z]{4})\b",
                         re.IGNORECASE)
KEY_PLAIN = re.compile(_KEY_LABEL + r"\b((?=[A-Z]*\d)[0-9A-Z]{16})\b", re.IGNORECASE)
# The verification code printed on the confirmation: XXXX-XXXX-XXXX (also with spaces); else a
# 12-character block with a digit.
CODE_GROUPED = re.compile(_CODE_LABEL + r"\b([0-9A-Z]{4})[\s-]([0-9A-Z]{4})[\s-]([0-9A-Z]{4})\b", re.IGNORECASE)
CODE_PLAIN = re.compile(_CODE_LABEL + r"\b((?=[A-Z]*\d)[0-9A-Z]{12})\b", re.IGNORECASE)
_EDGES = " ,;:.-–"


@dataclass(frozen=True)
class Reference:
    """What the client typed: case number, follow-up key, verification code, and the rest (their message)."""

    case_number: str | None
    code: str | None  # the confirmation's verification code (it only verifies)
    message: str
    key: str | None = None  # the follow-up key
    number_typo: bool = False  # "LEA-2026-..." whose check character or length does not fit


def _grouped(pattern: re.Pattern, plain: re.Pattern, text: str) -> re.Match | None:
    """The first key or code in text. Groups of four letters without a digit count only when
    typed in capitals (as printed) or after a label ("code abcd efgh jkmn"): "also send this
    form" is words, not a key."""
    for match in pattern.finditer(text):
        typed = "".join(match.groups())
        labelled = match.start(1) > match.start(0)
        if any(c.isdigit() for c in typed) or typed.isupper() or labelled:
            return match
    return plain.search(text)


def _cut(text: str, match: re.Match | None) -> str:
    return text[:match.start()] + " , " + text[match.end():] if match else text


def _case_number(text: str) -> tuple[case_numbers.Found | None, str]:
    """Our case number in a text (either shape, bot/case_numbers.py) and the text without it and its label."""
    found = case_numbers.find(text)
    if found is None:
        return None, text
    label = _NUMBER_LABEL.search(text[:found.start])
    start = label.start() if label else found.start
    return found, text[:start] + " , " + text[found.end:]


def parse_reference(text: str) -> Reference:
    """Split a message into case number, follow-up key or verification code, and the rest."""
    number, rest = _case_number(text)
    key = _grouped(KEY_GROUPED, KEY_PLAIN, rest)
    rest = _cut(rest, key)
    code = None if key else _grouped(CODE_GROUPED, CODE_PLAIN, rest)
    rest = _cut(rest, code)
    parts = [part.strip(_EDGES) for part in re.split(r"\s*,\s*,\s*|^\s*,\s*|\s*,\s*$", rest)]
    message = re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip(_EDGES)
    return Reference(
        case_number=number.number if number else None,
        number_typo=bool(number and number.typo),
        code="".join(g for g in code.groups() if g).upper() if code else None,
        message=message,
        key="".join(g for g in key.groups() if g).upper() if key else None,
    )


def has_reference(text: str) -> bool:
    """True when a message carries a case number together with a key or a code: a follow-up
    (or an attempt at one with the verification code, which gets an explanation)."""
    reference = parse_reference(text)
    return bool((reference.case_number or reference.number_typo) and (reference.key or reference.code))


async def add_to_case(conversation_id: str, channel: str, reference: Reference, upload_ids: list[str],
                      message_id: str, source: str = "") -> tuple[str, dict]:
    """Send the follow-up; returns the response to utter and its values.

    Unknown number, wrong key and a throttled source get one neutral answer; without a key
    (only the opening conversation may add so) the refusal explains how to add.
    """
    key = hashlib.sha256(f"{conversation_id}\x1f{message_id}".encode()).hexdigest()[:32]
    request = CaseFollowUp(
        idempotency_key=f"fu:{key}", conversation_id=conversation_id, channel=channel[:20],
        case_number=reference.case_number or "", follow_up_key=reference.key or "",
        message=reference.message[:2000] or None, upload_ids=upload_ids, source=source[:64],
    )
    try:
        receipt = await backend_client.add_to_case(request)
    except backend_client.FollowUpRefused:
        return ("utter_follow_up_refused" if reference.key else "utter_follow_up_how"), {}
    except backend_client.CaseClosed:
        return "utter_follow_up_closed", {}
    except backend_client.BackendUnavailable:
        return "utter_service_unavailable", {}
    except backend_client.BackendRejected as exc:
        log.warning("follow-up: backend refused (%s)", exc)
        return "utter_follow_up_refused", {}
    return "utter_follow_up_added", {"case_number": receipt.case_number, "files": len(upload_ids)}


async def handle_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The follow-up in the latest message: add it, or say why not (also used inside an enquiry)."""
    reference = parse_reference(latest_text(tracker))
    if reference.number_typo:
        # Its check character does not fit (a typo, a swapped pair): said before anything is looked up.
        dispatcher.utter_message(response="utter_follow_up_number_typo")
        return
    if not reference.case_number:
        dispatcher.utter_message(response="utter_follow_up_how")
        return
    if reference.code and not reference.key:
        # The PDF's verification code: it only verifies. Not sent anywhere, so no oracle either.
        dispatcher.utter_message(response="utter_follow_up_code_only_verifies")
        return
    try:
        uploads = await backend_client.conversation_uploads(tracker.sender_id)
    except backend_client.BackendUnavailable:
        dispatcher.utter_message(response="utter_service_unavailable")
        return
    if not reference.message and not uploads:
        dispatcher.utter_message(response="utter_follow_up_empty")
        return
    metadata = tracker.latest_message.get("metadata") or {}
    channel = metadata.get("channel") or "rest"
    message_id = tracker.latest_message.get("message_id") or latest_text(tracker)
    # The gateway's keyed hash of the client's address: wrong keys are counted per source too.
    response, values = await add_to_case(tracker.sender_id, str(channel), reference,
                                         [u.upload_id for u in uploads][:5], str(message_id),
                                         source=str(metadata.get("source") or ""))
    dispatcher.utter_message(response=response, **values)


class ActionAddToCase(Action):
    """Adds the client's message and files to their case (own conversation, or number + key); else explains how."""

    def name(self) -> str:
        return "action_add_to_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if not tracker.active_loop_name:
            from actions.converse import ActionConverse, turn_context
            from actions.dialogue.understand import Parse, answers_instead_of_adding

            text = latest_text(tracker)
            reference = parse_reference(text)
            intent, confidence = latest_intent(tracker)
            if not (reference.case_number or reference.number_typo) and answers_instead_of_adding(
                    Parse(text, intent, confidence), turn_context(tracker)):
                # "my kids 8 and 10 come along": a question with no case named, answered.
                return await ActionConverse().run(dispatcher, tracker, domain)
        await handle_follow_up(dispatcher, tracker)
        return []
