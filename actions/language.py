"""The conversation's language: chosen every turn, switched on request."""

from __future__ import annotations

from rasa_sdk import Action, Tracker, ValidationAction
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.language import choose_language, normalise_language_code


class ValidateSlotMappings(ValidationAction):
    """Runs after every client message (Rasa's action_extract_slots) and sets `language`."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        metadata = tracker.latest_message.get("metadata") or {}
        preset = normalise_language_code(metadata.get("language"))
        current = tracker.get_slot("language")
        # Before the first answer, the channel's preset (page language, Telegram) is
        # better evidence than the default slot value.
        if not any(e.get("event") == "bot" for e in tracker.events):
            current = None
        chosen = choose_language(tracker.latest_message.get("text") or "", current, preset)
        if chosen != tracker.get_slot("language"):
            return [SlotSet("language", chosen)]
        return []


class ActionSwitchLanguage(Action):
    """Confirms a language switch in the new language."""

    def name(self) -> str:
        return "action_switch_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_language_switched")
        return []
