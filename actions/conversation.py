"""Cancelling the enquiry and starting over."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language_of, latest_text
from actions.dialogue.understand import mentions_calling
from actions.submission import cleared_form
from bot import knowledge as kb


class ActionCancelEnquiry(Action):
    """Stops the enquiry without sending anything and forgets what was entered."""

    def name(self) -> str:
        return "action_cancel_enquiry"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if tracker.active_loop_name or tracker.get_slot("concern"):
            dispatcher.utter_message(response="utter_cancelled")
        else:
            dispatcher.utter_message(response="utter_nothing_to_cancel")
        if mentions_calling(latest_text(tracker)):
            # "forget it, I'll just call you": the office's numbers (content/knowledge.yml `phone`).
            dispatcher.utter_message(text=kb.sentence("phone", language_of(tracker)))
        return [ActiveLoop(None)] + cleared_form()


class ActionStartOver(Action):
    """Starts again from the beginning (the language stays)."""

    def name(self) -> str:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_started_over")
        return [ActiveLoop(None)] + cleared_form()
