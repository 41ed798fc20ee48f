"""Cancelling the enquiry and starting over."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.submission import cleared_form


class ActionCancelEnquiry(Action):
    """Stops the enquiry without sending anything and forgets what was entered."""

    def name(self) -> str:
        return "action_cancel_enquiry"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if tracker.active_loop_name or tracker.get_slot("concern"):
            dispatcher.utter_message(response="utter_cancelled")
        else:
            dispatcher.utter_message(response="utter_nothing_to_cancel")
        return [ActiveLoop(None)] + cleared_form()


class ActionStartOver(Action):
    """Starts again from the beginning (the language stays)."""

    def name(self) -> str:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_started_over")
        return [ActiveLoop(None)] + cleared_form()
