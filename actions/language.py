"""The conversation's language: switched on request.

Rasa itself chooses it every turn (bot/language_policy.py, with bot/language.py), so a
turn makes no round trip to this server for it.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class ActionSwitchLanguage(Action):
    """Confirms a language switch in the new language."""

    def name(self) -> str:
        return "action_switch_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_language_switched")
        return []
