"""Small talk goes through the conversation model (data/rules/general.yml): a follow-up the
NLU takes for a greeting, a "no", thanks or the menu is answered; plain small talk keeps its
fixed response."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.converse import ActionConverse


def converse(text, intent, frame=None, language="de", confidence=0.5):
    slots = {"language": language, "question_frame": frame}
    tracker = Tracker(
        sender_id="unit-test", slots=slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence},
                        "intent_ranking": [{"name": intent, "confidence": confidence}]},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionConverse().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


@pytest.mark.parametrize("text, intent, response", [
    ("Hallo!", "greet", "utter_greet"), ("hi there", "greet", "utter_greet"),
    ("Danke schön", "thank", "utter_thank"), ("thanks a lot", "thank", "utter_thank"),
    ("Tschüss", "goodbye", "utter_goodbye"), ("nein, das war alles", "deny", "utter_goodbye"),
    ("no that's all", "deny", "utter_goodbye"),
])
def test_plain_small_talk_keeps_its_response(text, intent, response):
    messages, _ = converse(text, intent, frame={"topic": "fee", "matter": "extension"})
    assert [m.get("response") for m in messages] == [response]


@pytest.mark.parametrize("text, intent, frame, language, words", [
    # A follow-up about a child after the in-person answer, read as a greeting or a "no".
    ("und auch die Kleine?", "greet", {"topic": "appearance"}, "de", ["6"]),
    ("even our toddler?", "deny", {"topic": "appearance"}, "en", ["6"]),
    # "why?" read as a goodbye: the previous answer again, with its reason.
    ("aber warum denn bloß?", "goodbye", {"topic": "visits"}, "de", ["Bundesdruckerei"]),
    ("how come though?", "goodbye", {"topic": "visits"}, "en", ["Bundesdruckerei"]),
    # "what does he need for it?" after a pick-up answer, read as the menu.
    ("was braucht er dafür?", "show_menu", {"topic": "pickup", "person": "relative"}, "de", ["Vollmacht|Formular"]),
    ("what would he have to bring for it?", "show_menu", {"topic": "pickup", "person": "relative"}, "en",
     ["authori|form"]),
])
def test_a_follow_up_read_as_small_talk_is_answered(text, intent, frame, language, words):
    import re

    messages, _ = converse(text, intent, frame=frame, language=language)
    said = "\n".join(m.get("text") or "" for m in messages)
    assert all(re.search(w, said) for w in words), said
    assert not any(m.get("response") in ("utter_greet", "utter_goodbye") for m in messages)


def test_the_menu_without_a_question_is_the_menu():
    messages, _ = converse("Menü bitte", "show_menu")
    assert messages and not any(m.get("response") in ("utter_greet", "utter_goodbye") for m in messages)
    assert any(m.get("buttons") for m in messages)


@pytest.mark.parametrize("text, language, concern", [
    ("bitte starten Sie eine Anfrage, ich bin umgezogen", "de", "data_change"),
    ("please start a request, my residence card got stolen", "en", "lost_card"),
])
def test_a_request_the_nlu_reads_as_start_over_starts_the_enquiry(text, language, concern):
    messages, events = converse(text, "start_over", language=language, confidence=0.6)
    assert {"event": "slot", "timestamp": None, "name": "concern", "value": concern} in events
    assert events[-1].get("name") == "enquiry_form"


def test_start_over_without_a_request_starts_over():
    messages, _ = converse("nochmal von vorne bitte", "start_over", confidence=0.9)
    assert [m.get("response") for m in messages] == ["utter_started_over"]
