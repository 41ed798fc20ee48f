"""bot/rasa_speedups.py and the tracker store's WAL mode, inside Rasa's own venv (issue 17).

Each check runs as a script in `.venv-rasa` (Rasa cannot be imported here) and prints
JSON; the assertions compare the patched Rasa with the original code it replaces.
"""

from __future__ import annotations

import json
import os
import subprocess

from bot.config import PROJECT_ROOT
from bot.runner.environment import rasa_env

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"

SPEEDUPS = r"""
import json
import jsonschema
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

original_resolve = Event.resolve_by_type
import bot.language_policy  # installs the speed-ups, as loading the model does
from bot import rasa_speedups

out = {"installed_again": rasa_speedups.install()}
schema = RemoteAction.action_response_format_spec()
cls = validator_for(schema)
checks = []
original_check = cls.check_schema
cls.check_schema = classmethod(lambda c, s: (checks.append(1), original_check.__func__(c, s)))
action = RemoteAction("action_converse", None)
good = {"events": [{"event": "slot", "name": "language", "value": "en", "timestamp": None}],
        "responses": [{"response": "utter_greet", "buttons": []}]}
out["good"] = [action._validate_action_result(good) for _ in range(5)]
out["schema_checks"] = len(checks)
bad = {"events": [{"event": 3}], "responses": "not a list"}
try:
    action._validate_action_result(bad)
    out["bad"] = None
except jsonschema.ValidationError as error:
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError as stock:
        out["bad"] = [error.message, stock.message, list(error.path) == list(stock.path)]

names = sorted({c.type_name for c in all_subclasses(Event) if getattr(c, "type_name", None)})
out["same_classes"] = all(Event.resolve_by_type(n) is original_resolve(n) for n in names * 2)
out["event_types"] = len(names)
out["topic"] = Event.resolve_by_type("topic")
out["default"] = Event.resolve_by_type("no_such_event", Event.resolve_by_type("user")).__name__
try:
    Event.resolve_by_type("no_such_event")
    out["unknown"] = None
except ValueError as error:
    out["unknown"] = str(error)
print(json.dumps(out))
"""

PREPARED = r"""
import asyncio, json
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
import bot.language_policy  # installs the speed-ups, as loading the model does

domain = Domain.load("domain")
nlg = TemplatedNaturalLanguageGenerator(domain.responses)
form = FormAction("enquiry_form", None)  # no action endpoint: calling the action server would fail
question = {"text": None, "buttons": [{"title": "Yes", "payload": "Yes"}], "elements": [], "custom": {},
            "template": "utter_ask_pickup_by_proxy", "response": "utter_ask_pickup_by_proxy", "image": None,
            "attachment": None}

def ask(slot, prepared):
    tracker = DialogueStateTracker.from_events("conv", [SlotSet("language", "en"),
                                                        SlotSet("prepared_question", prepared)], domain.slots)
    channel = CollectingOutputChannel()
    try:
        events = asyncio.run(form._ask_for_slot(domain, nlg, channel, slot, tracker))
    except Exception as error:  # the fallback: Rasa calls action_ask_<slot> on the action server
        return {"called_action_server": type(error).__name__}
    return {"events": [e.as_dict() for e in events], "sent": channel.messages}

print(json.dumps({"prepared": ask("pickup_by_proxy", {"field": "pickup_by_proxy", "messages": [question]}),
                  "other_slot": ask("email", {"field": "pickup_by_proxy", "messages": [question]}),
                  "none": ask("pickup_by_proxy", None)}))
"""

WAL = r"""
import asyncio, json, sqlite3, sys
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from bot.windowed_tracker_store import WindowedSQLTrackerStore

domain = Domain.load("domain")
store = WindowedSQLTrackerStore(domain=domain, dialect="sqlite", db=sys.argv[1])
tracker = DialogueStateTracker.from_events("conv", [UserUttered("hi"), SlotSet("language", "en")], domain.slots)
asyncio.run(store.save(tracker))
loaded = asyncio.run(store.retrieve("conv"))
mode = sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode").fetchone()[0]
def synchronous(store):
    with store.session_scope() as session:
        return session.execute(__import__("sqlalchemy").text("PRAGMA synchronous")).scalar()
normal = WindowedSQLTrackerStore(domain=domain, dialect="sqlite", db=sys.argv[1], synchronous="normal")
print(json.dumps({"mode": mode, "language": loaded.get_slot("language"),
                  "synchronous": [synchronous(store), synchronous(normal)]}))
"""


def in_rasa(script: str, *args: str) -> dict:
    done = subprocess.run([str(RASA_PYTHON), "-c", script, *args], env={**os.environ, **rasa_env()},
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_action_answers_are_validated_as_before_with_the_schema_checked_once():
    out = in_rasa(SPEEDUPS)
    assert out["installed_again"] is False  # loading the policy installed it; a second call is a no-op
    assert out["good"] == [True] * 5 and out["schema_checks"] == 0  # checked once, at install
    ours, stock, same_path = out["bad"]
    assert ours.startswith(stock) and "Failed to validate Action server response" in ours and same_path


def test_event_classes_are_found_as_rasa_finds_them():
    out = in_rasa(SPEEDUPS)
    assert out["same_classes"] and out["event_types"] > 20
    assert out["topic"] is None and out["default"] == "UserUttered"
    assert out["unknown"] == "Unknown event name 'no_such_event'."


def test_the_form_sends_the_prepared_question_itself_and_else_calls_the_ask_action():
    out = in_rasa(PREPARED)
    bot, cleared = out["prepared"]["events"]
    assert bot["event"] == "bot" and bot["data"]["buttons"] == [{"title": "Yes", "payload": "Yes"}]
    assert "authorised person" in bot["text"]  # the English variation (language slot), rendered by Rasa
    assert bot["metadata"]["utter_action"] == "utter_ask_pickup_by_proxy"
    assert cleared == {"event": "slot", "timestamp": cleared["timestamp"], "name": "prepared_question", "value": None}
    assert out["prepared"]["sent"] == []  # Rasa's processor sends the form's bot events, as for an action's
    # Prepared for another slot, or nothing prepared: the ask action is called as before.
    assert out["other_slot"] == out["none"] == {"called_action_server": "RasaException"}


def test_the_sqlite_tracker_store_writes_ahead_and_still_stores_the_turn(tmp_path):
    out = in_rasa(WAL, str(tmp_path / "tracker.sqlite3"))
    assert out == {"mode": "wal", "language": "en", "synchronous": [2, 1]}  # FULL by default; NORMAL on request
