"""Stage 1 of the two-stage fallback: the likely meanings as buttons, in the client's language."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionDefaultAskAffirmation


def ask(ranking, language="de", active_loop=None):
    tracker = Tracker(
        sender_id="unit-test", slots={"language": language},
        latest_message={"text": "kosten unterlagen?", "intent": ranking[0], "intent_ranking": ranking},
        events=[], paused=False, followup_action=None,
        active_loop={"name": active_loop} if active_loop else {}, latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, tracker, {}))
    return dispatcher.messages


def test_likely_meanings_are_offered_as_buttons_with_a_way_to_the_menu():
    ranking = [{"name": "nlu_fallback", "confidence": 0.7}, {"name": "faq_fees", "confidence": 0.28},
               {"name": "faq_documents", "confidence": 0.25}, {"name": "cancel", "confidence": 0.1}]
    [message] = ask(ranking)
    assert message["response"] == "utter_ask_affirmation"
    assert message["intent_label"] == "Gebühren"
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[:2] == ["/faq_fees", "/faq_documents"]
    assert "/cancel" not in payloads  # nothing to cancel outside an enquiry
    assert payloads[-1] == "/show_menu"


def test_english_labels():
    ranking = [{"name": "faq_fees", "confidence": 0.28}, {"name": "faq_eat", "confidence": 0.2}]
    [message] = ask(ranking, language="en")
    assert message["intent_label"] == "Fees"
    assert [b["title"] for b in message["buttons"]][:2] == ["Fees", "Electronic residence card (eAT)"]
