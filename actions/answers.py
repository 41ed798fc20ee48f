"""Answers to general questions (from content/knowledge.yml), the menu, and the fallbacks."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import button, label, labels, language_of, latest_intent, latest_text
from actions.follow_up import has_reference
from bot import knowledge
from bot.catalogue import load_catalogue

FAQ_INTENTS = {
    "faq_fees", "faq_documents", "faq_eat", "faq_pickup_proxy", "faq_appointments", "faq_status",
    "faq_fiktionswirkung", "faq_contact_channels", "faq_uploads", "faq_titles", "faq_settlement_info", "faq_not_covered",
}
# Small talk answered by a fixed response, inside or outside the enquiry.
SMALL_TALK = {
    "greet": "utter_greet", "thank": "utter_thank", "bot_challenge": "utter_bot_challenge",
    "insult": "utter_insult", "goodbye": "utter_goodbye",
}
# out_of_scope is answered from content/knowledge.yml (no information here + the office's
# phone numbers, never "not responsible"), like a general question.
# "ok" after an answer acknowledges it; it is no "yes" to the enquiry the answer offers.
ACKNOWLEDGEMENTS = {"ok", "okay", "k", "kk", "oki", "okey", "alles klar", "verstanden", "got it", "i see", "ah ok", "ach so"}
# Messages that interrupt an enquiry: answered, then the enquiry goes on.
INTERRUPTION_INTENTS = FAQ_INTENTS | {"ask_human", "bot_challenge", "insult", "out_of_scope", "greet", "thank", "show_menu", "request_confirmation"}


def answer_intent(dispatcher: CollectingDispatcher, intent: str, text: str, language: str, offer: bool = True) -> None:
    """Answer one general question from the knowledge file, or say honestly we cannot."""
    if intent == "faq_fees":
        quote = knowledge.compute_fee(text, language)
        if quote is not None:
            dispatcher.utter_message(text=quote.text)
            return
    answer = knowledge.answer(intent, language)
    if answer:
        # Inside an enquiry no button starts another one (offer=False).
        dispatcher.utter_message(text=answer, buttons=offer_buttons(intent, language) if offer else [])
    else:
        dispatcher.utter_message(response="utter_no_answer")


def offer_buttons(intent: str, language: str) -> list[dict[str, str]]:
    """The concern an answer offers to send (knowledge.yml `offer`), labelled as in the menu."""
    offered = knowledge.offer(intent)
    concern = next((c for c in load_catalogue().concerns.values() if c.intent == offered), None)
    return [{"title": concern.label(language), "payload": f"/{concern.intent}"}] if concern else []


def answer_interruption(dispatcher: CollectingDispatcher, tracker: Tracker | None, intent: str, text: str, language: str) -> None:
    """Answer a question asked in the middle of the enquiry (the form re-asks afterwards)."""
    if intent in SMALL_TALK and intent != "greet":
        dispatcher.utter_message(response=SMALL_TALK[intent])
    elif intent in ("show_menu", "greet"):
        show_menu(dispatcher, language, questions_only=True)
    elif intent == "request_confirmation":
        dispatcher.utter_message(response="utter_no_confirmation")
    else:
        answer_intent(dispatcher, intent, text, language, offer=False)


def show_menu(dispatcher: CollectingDispatcher, language: str, questions_only: bool = False) -> None:
    catalogue = load_catalogue()
    buttons = [button("intents", i, language, f"/{i}") for i in labels()["menu_questions"]]
    if not questions_only:
        buttons += [{"title": c.label(language), "payload": f"/{c.intent}"} for c in catalogue.concerns.values()]
    dispatcher.utter_message(response="utter_menu", buttons=buttons)


class ActionAnswerQuestion(Action):
    """Answers a general question from the office's published facts."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if not tracker.active_loop_name and has_reference(latest_text(tracker)):
            return [FollowupAction("action_add_to_case")]  # case number + key or code: adding to a case
        intent, _ = latest_intent(tracker)
        answer_intent(dispatcher, intent or "", latest_text(tracker), language_of(tracker))
        return []


def offered_concern(tracker: Tracker, asked: bool = False) -> str | None:
    """The enquiry intent the assistant's last answer offered as its only concern button, if any.

    With asked=True only when that answer asked a question ("Would you like ...?"), so a plain
    "ok" after an information is no "yes".
    """
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            payloads = [b.get("payload", "") for b in (event.get("data") or {}).get("buttons") or []]
            offered = [p[1:] for p in payloads if p.startswith("/enquiry_")]
            if asked and "?" not in (event.get("text") or ""):
                return None
            return offered[0] if len(offered) == 1 else None
    return None


class ActionShowMenu(Action):
    """Shows what the assistant can do; a "yes" to an offered enquiry starts that enquiry."""

    def name(self) -> str:
        return "action_show_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        acknowledged = latest_text(tracker).lower().strip(" .!👍") in ACKNOWLEDGEMENTS
        if intent == "affirm" and not acknowledged:
            # "ok, und für Minderjährige?", "yes and for my wife?": a follow-up the NLU took for a "yes".
            from actions.converse import answer_if_asked

            answered = answer_if_asked(dispatcher, tracker)
            if answered is not None:
                return answered
        if intent == "affirm" and not acknowledged and offered_concern(tracker, asked=True):
            return [FollowupAction("enquiry_form")]  # "Möchten Sie die Abholung anmelden?" – "ja"
        show_menu(dispatcher, language_of(tracker))
        return []


class ActionDefaultFallback(Action):
    """Last stage of the fallback: say so, then offer the menu."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        language = language_of(tracker)
        dispatcher.utter_message(response="utter_default")
        show_menu(dispatcher, language)
        # Forget the misunderstood message so it does not steer the next prediction.
        return [UserUtteranceReverted()]


class ActionDefaultAskAffirmation(Action):
    """First stage of the fallback: offer the likely meanings as buttons."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        language = language_of(tracker)
        if not tracker.active_loop_name and has_reference(latest_text(tracker)):
            return [FollowupAction("action_add_to_case")]  # case number + code: adding to a case
        ranking: list[dict[str, Any]] = tracker.latest_message.get("intent_ranking") or []
        known = labels()["intents"]
        # Outside an enquiry there is nothing to cancel or restart: offering it only confuses.
        pointless = set() if tracker.active_loop_name else {"cancel", "start_over"}
        likely = [r["name"] for r in ranking if r.get("name") in known and r["name"] not in pointless][:3]
        if not likely or likely[0] == "show_menu":
            # "hä?", "👋", "???": the menu itself is the best answer.
            show_menu(dispatcher, language)
            return []
        likely = [name for name in likely if name != "show_menu"]
        buttons = [button("intents", name, language, f"/{name}") for name in likely]
        buttons.append({"title": label("buttons", "menu", language), "payload": "/show_menu"})
        first = label("intents", likely[0], language) if likely else label("intents", "show_menu", language)
        dispatcher.utter_message(response="utter_ask_affirmation", intent_label=first, buttons=buttons)
        return []


class ActionRouteMessage(Action):
    """Data or a correction outside an enquiry: start the enquiry it names, else show the menu.

    Long first messages ("my name is ..., born ..., I want to extend my Blue Card")
    are often classified as plain data; the concern is still in the words.
    """

    def name(self) -> str:
        return "action_route_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        from actions.fields import parse_concern

        text = latest_text(tracker)
        if has_reference(text):
            return [FollowupAction("action_add_to_case")]  # case number + code: adding to a case
        if text and not text.startswith("/") and (parse_concern(text).ok or offered_concern(tracker)):
            # The words name a concern, or the client answers the enquiry just offered with their data.
            return [FollowupAction("enquiry_form")]
        show_menu(dispatcher, language_of(tracker))
        return []
