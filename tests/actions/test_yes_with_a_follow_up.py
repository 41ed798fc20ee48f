"""A follow-up the NLU takes for a "yes" ("ok, und für Minderjährige?", "yes and for my wife?")
goes to the menu action by the rules (data/rules/general.yml): it is answered from the question
frame; a plain "yes" to an offered enquiry still starts it, and a plain "ok" shows the menu."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionShowMenu


def show_menu(text, frame=None, language="de", offered=None):
    slots = {"language": language, "question_frame": frame}
    events = []
    if offered:
        events = [{"event": "bot", "text": "Möchten Sie Ihr Anliegen jetzt senden?",
                   "data": {"buttons": [{"title": "x", "payload": f"/{offered}"}]}}]
    tracker = Tracker(
        sender_id="unit-test", slots=slots,
        latest_message={"text": text, "intent": {"name": "affirm", "confidence": 0.8},
                        "intent_ranking": [{"name": "affirm", "confidence": 0.8}]},
        events=events, paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionShowMenu().run(dispatcher, tracker, {}))
    return dispatcher.messages, result


@pytest.mark.parametrize("text, frame, language, words", [
    ("ok, und wenn es für ein Kind unter 18 ist?", {"topic": "depends", "matter": "visa_extension", "occasion": "fee"},
     "de", ["12,50", "30"]),
    ("yes and what about my wife?", {"topic": "fee", "matter": "extension"}, "en", ["96"]),
    ("ja gut, und wo wird die Karte gemacht?", {"topic": "eat"}, "de", ["Bundesdruckerei"]),
])
def test_a_follow_up_read_as_yes_is_answered(text, frame, language, words):
    messages, events = show_menu(text, frame, language)
    said = "\n".join(m.get("text") or "" for m in messages)
    assert all(w in said for w in words), said
    assert not any(e.get("event") == "followup" for e in events)


def test_a_plain_yes_to_an_offer_still_starts_the_enquiry():
    _, events = show_menu("ja, gerne", {"topic": "fee", "matter": "extension"}, offered="enquiry_extend_permit")
    assert {"event": "followup", "name": "enquiry_form"} in [{k: e.get(k) for k in ("event", "name")} for e in events]


def test_a_plain_ok_shows_the_menu():
    messages, events = show_menu("ok", {"topic": "fee", "matter": "extension"})
    assert messages and not any("96" in (m.get("text") or "") for m in messages)
