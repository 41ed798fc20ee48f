"""Outside the enquiry form: every question, follow-up, language switch and request to
apply goes through the conversation model (actions/dialogue/); this action only
translates between Rasa and the model.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionRouteMessage, ActionShowMenu, answer_intent, offered_concern
from actions.common import language_of, latest_intent, latest_text
from actions.conversation import ActionCancelEnquiry, ActionStartOver
from actions.follow_up import has_reference
from actions.dialogue.commands import AskQuestion, NotCovered
from actions.dialogue.executor import execute
from actions.dialogue.frame import QuestionFrame
from actions.dialogue.understand import Context, Parse, interpret
from actions.replies import send
from bot.catalogue import load_catalogue

# What the NLU's intent does when the model has nothing to say (buttons, "abbrechen", nonsense,
# a plain greeting, thanks, "no", goodbye or "are you a bot?"; show_menu and the rest end at the menu).
FALLBACK_RESPONSES = {"switch_language": "utter_language_switched", "insult": "utter_insult",
                      "greet": "utter_greet", "thank": "utter_thank", "goodbye": "utter_goodbye",
                      "deny": "utter_goodbye", "bot_challenge": "utter_bot_challenge"}


def turn_context(tracker: Tracker) -> Context:
    offered = offered_concern(tracker)
    concern = load_catalogue().by_intent(offered) if offered else None
    return Context(language=language_of(tracker), frame=QuestionFrame.from_slot(tracker.get_slot("question_frame")),
                   offered=concern.id if concern else None)


def answer_if_asked(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The answers when the model reads a question in the turn ("ok, und für Minderjährige?" that the
    NLU took for a "yes"), with the frame kept; None when it reads none."""
    intent, confidence = latest_intent(tracker)
    context = turn_context(tracker)
    commands = interpret(Parse(latest_text(tracker), intent, confidence), context)
    if not any(isinstance(c, (AskQuestion, NotCovered)) for c in commands):
        return None
    outcome = execute(commands, context)
    send(dispatcher, outcome.replies)
    return [SlotSet("question_frame", outcome.frame.as_slot() if outcome.frame else None)] \
        if outcome.frame != context.frame else []


class ActionConverse(Action):
    """Interprets the turn as commands and carries them out: answers, offers, starts the enquiry."""

    def name(self) -> str:
        return "action_converse"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if not tracker.active_loop_name and has_reference(latest_text(tracker)):
            # A case number (also a mistyped one) with a key or code is a follow-up, whatever the
            # model read ("... Lohnabrechnung anbei" is no question about payslips).
            return [FollowupAction("action_add_to_case")]
        intent, confidence = latest_intent(tracker)
        context = turn_context(tracker)
        outcome = execute(interpret(Parse(latest_text(tracker), intent, confidence), context), context)
        send(dispatcher, outcome.replies)
        events: list[EventType] = []
        if outcome.frame != context.frame:
            events.append(SlotSet("question_frame", outcome.frame.as_slot() if outcome.frame else None))
        if outcome.start_enquiry:
            # The form takes the concern the model read (a button's intent still wins).
            return events + [SlotSet("concern", outcome.concern), FollowupAction("enquiry_form")]
        if outcome.unclear and not outcome.replies:
            return events + await self._by_intent(dispatcher, tracker, domain, outcome.unclear, context)
        return events

    @staticmethod
    async def _by_intent(dispatcher, tracker, domain, intent: str, context: Context) -> list[EventType]:
        """The model found no question: the NLU's intent decides, as the rules did before."""
        if intent.startswith("enquiry_") or intent == "start_enquiry":
            return [FollowupAction("enquiry_form")]
        if intent in FALLBACK_RESPONSES:
            dispatcher.utter_message(response=FALLBACK_RESPONSES[intent])
            return []
        if intent.startswith("faq_") or intent in ("ask_human", "out_of_scope"):
            answer_intent(dispatcher, intent, latest_text(tracker), context.language)
            return []
        if intent == "cancel":
            return await ActionCancelEnquiry().run(dispatcher, tracker, domain)
        if intent == "start_over":
            return await ActionStartOver().run(dispatcher, tracker, domain)
        if intent in ("inform", "correct_field", "skip"):
            return await ActionRouteMessage().run(dispatcher, tracker, domain)
        if intent == "nlu_fallback":
            return [FollowupAction("action_two_stage_fallback")]
        return await ActionShowMenu().run(dispatcher, tracker, domain)
