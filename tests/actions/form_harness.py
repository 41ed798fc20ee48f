"""Runs the enquiry form's validation action on one client message, without Rasa."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.enquiry_form import FORM_SLOTS, ValidateEnquiryForm

DOMAIN_DIR = Path(__file__).resolve().parents[2] / "domain"


@lru_cache
def domain() -> dict:
    """The merged responses of domain/*.yml (what invalid_response looks up)."""
    responses: dict[str, Any] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        responses.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return {"responses": responses}


def response_text(name: str, language: str) -> str:
    """The text of one response in one language."""
    for variation in domain()["responses"][name]:
        if variation["condition"][0]["value"] == language:
            return variation["text"]
    raise KeyError(name)


class Turn:
    """What the form did with one message: slot events and the responses sent."""

    def __init__(self, events: list[dict], messages: list[dict]):
        self.events = events
        self.slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        self.messages = messages
        self.responses = [m.get("response") for m in messages]

    @property
    def requested(self) -> str | None:
        return self.slots.get("requested_slot")

    def buttons(self) -> list[dict]:
        return [b for m in self.messages for b in (m.get("buttons") or [])]


def run_form(slots: dict[str, Any], text: str, intent: str = "inform", confidence: float = 0.9,
             language: str = "de") -> Turn:
    """One client message to the active form; slots hold what is known, incl. requested_slot."""
    all_slots = {name: None for name in FORM_SLOTS}
    all_slots.update(language=language, failed_attempts={}, skipped_fields=[])
    all_slots.update(slots)
    tracker = Tracker(
        sender_id="unit-test", slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []},
        events=[], paused=False, followup_action=None, active_loop={"name": "enquiry_form"},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateEnquiryForm().run(dispatcher, tracker, domain()))
    return Turn(events, dispatcher.messages)


EXTENSION_DONE = {
    "concern": "residence_permit_extension", "purpose": "study", "given_names": "Ayşe",
    "family_name": "Yılmaz", "date_of_birth": "1995-03-03", "place_of_birth": "Ankara",
    "nationality": "TUR", "title_kind": "residence_permit", "title_serial": "__skipped__",
    "title_expiry": "2030-06-30", "existing_case_number": "__skipped__",
    "address": "Musterstraße 12, 10115 Berlin", "postal_code": "10115", "email": "a@example.org",
    "phone": "__skipped__", "message": "Bitte verlängern.",
}
