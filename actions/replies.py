"""Sends the conversation model's replies (actions/dialogue/compose.Reply) through Rasa's dispatcher."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue.compose import Reply


def send(dispatcher: CollectingDispatcher, replies: list[Reply]) -> None:
    for reply in replies:
        if reply.response:
            dispatcher.utter_message(response=reply.response, buttons=list(reply.buttons) or None, **reply.values)
        else:
            dispatcher.utter_message(text=reply.text or "", buttons=list(reply.buttons))
