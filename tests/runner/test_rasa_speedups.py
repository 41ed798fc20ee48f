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
import threading
writers = []
original_write = store._write
store._write = lambda t: (writers.append(threading.current_thread().name), original_write(t))[1]

async def save_while_the_loop_runs():
    ticks = []
    async def tick():
        for _ in range(3):
            ticks.append(1)
            await asyncio.sleep(0)
    await asyncio.gather(store.save(tracker), tick())
    return len(ticks)

ticks = asyncio.run(save_while_the_loop_runs())
loaded = asyncio.run(store.retrieve("conv"))
tracker.update(UserUttered("again"))
asyncio.run(store.save(loaded))  # nothing new since the load: nothing stored twice
asyncio.run(store.save(tracker))
count = sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM events WHERE sender_id='conv'").fetchone()[0]
mode = sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode").fetchone()[0]
def synchronous(store):
    with store.session_scope() as session:
        return session.execute(__import__("sqlalchemy").text("PRAGMA synchronous")).scalar()
normal = WindowedSQLTrackerStore(domain=domain, dialect="sqlite", db=sys.argv[1], synchronous="normal")
print(json.dumps({"mode": mode, "language": loaded.get_slot("language"),
                  "synchronous": [synchronous(store), synchronous(normal)], "ticks": ticks,
                  "writer_threads": sorted(set(writers)), "events": count}))
"""


DISPATCH = r"""
import copy, json, time
import jsonschema
from rasa.core.actions.action import RemoteAction
from bot.rasa_speedups import dispatching_validation

schema = RemoteAction.action_response_format_spec()
fast = dispatching_validation(schema)
user = {"event": "user", "text": "Hallo", "timestamp": 1.5, "metadata": {}, "input_channel": "rest",
        "parse_data": {"intent": {"name": "greet", "confidence": 0.9}, "entities": [{"entity": "x", "value": 1}],
                       "intent_ranking": [{"name": "greet", "confidence": 0.9}]}}
slot = {"event": "slot", "name": "language", "value": "en", "timestamp": None}
bot = {"event": "bot", "text": "Hi", "data": {"buttons": []}, "metadata": {"utter_action": "utter_greet"}}
cases = {
    "valid": {"events": [slot, bot, {"event": "active_loop", "name": "enquiry_form"}, {"event": "followup",
              "name": "enquiry_form"}, user, {"event": "action", "name": "action_listen", "policy": None,
              "confidence": None}], "responses": [{"response": "utter_greet", "buttons": []}]},
    "no events": {"responses": []}, "empty": {}, "events empty": {"events": []},
    "unknown type": {"events": [{"event": "no_such_event"}]},
    "type not a string": {"events": [{"event": 3}]}, "no type": {"events": [{"name": "x", "value": 1}]},
    "slot without value": {"events": [{"event": "slot", "name": "language"}]},
    "slot name not a string": {"events": [{"event": "slot", "name": 5, "value": 1}]},
    "bad timestamp": {"events": [dict(slot, timestamp="now")]},
    "bad metadata": {"events": [dict(bot, metadata=[1])]},
    "bad entity": {"events": [{"event": "entities", "entities": [{"entity": "x"}]}]},
    "bad user text": {"events": [dict(user, text=5)]},
    "bad intent": {"events": [dict(user, parse_data={"intent": {"name": 1}})]},
    "event not an object": {"events": ["slot"]}, "events not a list": {"events": {"event": "slot"}},
    "responses not a list": {"events": [slot], "responses": "x"},
    "response not an object": {"events": [slot], "responses": [1]},
    "answer not an object": [slot], "answer null": None,
    "second event bad": {"events": [slot, {"event": "slot", "name": "x"}]},
}
out = {}
for name, case in cases.items():
    results = []
    for check in (lambda c: jsonschema.validate(c, schema), fast):
        try:
            check(copy.deepcopy(case))
            results.append(None)
        except jsonschema.ValidationError as error:
            results.append([error.message, list(error.path), list(error.schema_path)])
    out[name] = results
big = {"events": [slot, bot, user] * 10, "responses": [{"response": "utter_greet"}]}
timings = []
for check in (lambda c: jsonschema.validate(c, schema), fast):
    started = time.perf_counter()
    for _ in range(20):
        check(big)
    timings.append(time.perf_counter() - started)
out["timings"] = timings
print(json.dumps(out))
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


def test_answers_checked_per_event_type_pass_and_fail_exactly_as_the_whole_schema_says():
    out = in_rasa(DISPATCH)
    timings = out.pop("timings")
    assert out["valid"] == [None, None] and out["no events"] == [None, None] and out["empty"] == [None, None]
    invalid = [name for name, (stock, ours) in out.items() if stock is not None]
    assert len(invalid) >= 15  # the cases below really are invalid under Rasa's schema
    for name, (stock, ours) in out.items():
        assert ours == stock, name  # same verdict; for an invalid answer the same error, path and schema path
    assert timings[1] < timings[0]  # and it is what it is for: cheaper (not timed more closely here)


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
    assert out["mode"] == "wal" and out["language"] == "en"
    assert out["synchronous"] == [2, 1]  # FULL by default; NORMAL on request
    # The rows are committed in the store's writer thread, while the event loop runs on.
    assert out["writer_threads"] and all(name.startswith("tracker-save") for name in out["writer_threads"])
    assert out["ticks"] == 3
    assert out["events"] == 3  # hi, language, again: each once


LOOPING_FALLBACK = r"""
import asyncio, json
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
import bot.language_policy  # installs the guard, as loading the model does

processor = MessageProcessor.__new__(MessageProcessor)
processor.max_number_of_predictions = 10
predicted = []

async def predict_until_stopped(self, output_channel, tracker):
    # What the two-stage fallback's clarification does to the tracker on every round:
    # an action, then a fresh action_listen and user message (Rasa's breaker resets there).
    while not self.is_action_limit_reached(tracker, True):
        predicted.append(1)
        tracker.update(ActionExecuted("action_two_stage_fallback"))
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("?", {"name": "nlu_fallback", "confidence": 0.1}))
        if len(predicted) > 1000:
            break

tracker = DialogueStateTracker("fuzz", [])
loop_wrapper = MessageProcessor._run_prediction_loop  # the guard's wrapper: it calls Rasa's loop,
cell = [c for c in loop_wrapper.__closure__ if callable(c.cell_contents) and c.cell_contents is not loop_wrapper][0]
cell.cell_contents = predict_until_stopped  # here a loop that predicts until the limit says stop
asyncio.run(loop_wrapper(processor, None, tracker))
first = len(predicted)
predicted.clear()
asyncio.run(loop_wrapper(processor, None, tracker))  # the next message starts counting afresh
print(json.dumps({"first": first, "second": len(predicted)}))
"""


def test_a_fallback_that_clarifies_into_another_fallback_stops_at_twice_rasas_limit():
    """Rasa's own breaker resets at every clarification's action_listen: 1000+ rounds without the guard."""
    out = in_rasa(LOOPING_FALLBACK)
    assert out == {"first": 20, "second": 20}, out


CLASSIFIER = r"""
import json, sys
import numpy as np
from scipy.sparse import random as sparse_random
from sklearn.linear_model import LogisticRegression
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message

original_process = LogisticRegressionClassifier.process
import bot.language_policy  # installs the speed-ups, as loading the model does

rng = np.random.default_rng(7)
X = sparse_random(60, 3000, density=0.01, format="csr", random_state=7)
y = rng.integers(0, 5, 60)
clf = LogisticRegression(max_iter=200).fit(X, y)
clf.coef_ = np.ascontiguousarray(clf.coef_)  # row-major, as skops loads it from the model
component = LogisticRegressionClassifier.__new__(LogisticRegressionClassifier)
component.clf = clf
component.config = {"ranking_length": 10}
rows = [X[i] for i in range(8)]
component._create_X = lambda messages: __import__("scipy.sparse", fromlist=["vstack"]).vstack(
    [rows[m.get("row")] for m in messages])
def ranking(process):
    messages = [Message(data={"text": str(i), "row": i}) for i in range(8)]
    process(component, messages)
    return [m.get("intent_ranking") for m in messages]
before = ranking(original_process)
stored_c = clf.coef_.flags.c_contiguous
after = ranking(LogisticRegressionClassifier.process)
print(json.dumps({"same": before == after, "stored_row_major": stored_c,
                  "transpose_row_major_now": clf.coef_.T.flags.c_contiguous}))
"""


def test_the_intent_classifier_gives_the_same_ranking_with_its_weights_laid_out_for_the_product():
    """Rasa scores X @ coef_.T; with row-major weights scipy copied all of them for every message."""
    out = in_rasa(CLASSIFIER)
    assert out == {"same": True, "stored_row_major": True, "transpose_row_major_now": True}, out


ACTION_SERVER_CALLS = r"""
import asyncio, json
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
import bot.language_policy  # installs the speed-ups, as loading the model does

seen = []  # per request: (client port, has domain, digest)
kept = {}  # the stand-in for rasa_sdk's executor: the domain of the last request that had one

async def webhook(request):
    body = await request.json()
    seen.append((request.transport.get_extra_info("peername")[1], "domain" in body, body.get("domain_digest")))
    if "domain" in body:
        kept["digest"] = body["domain_digest"]
    elif kept.get("digest") != body.get("domain_digest"):
        return web.json_response({"error": "no domain", "action_name": body["next_action"]}, status=449)
    return web.json_response({"events": [{"event": "slot", "name": "language", "value": "en"}],
                              "responses": [{"text": "hello " + body["next_action"]}]})

async def broken(request):
    return web.json_response({"error": "boom"}, status=500)

async def main():
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    app.router.add_post("/broken", broken)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    domain = Domain.load("domain")
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Test": "1"})
    out = {"runs": []}
    for name in ("action_converse", "action_converse", "action_show_menu"):
        tracker = DialogueStateTracker.from_events("conv", [UserUttered("hi")], domain.slots)
        events = await RemoteAction(name, endpoint).run(CollectingOutputChannel(), nlg, tracker, domain)
        out["runs"].append([e.as_dict().get("text") or e.as_dict().get("value") for e in events])
    out["seen"] = [[has_domain, digest is not None] for _, has_domain, digest in seen]
    out["one_connection"] = len({port for port, _, _ in seen}) == 1
    try:
        await EndpointConfig(f"http://127.0.0.1:{port}/broken").request(json={})
    except ClientResponseError as error:
        out["error"] = error.status
    await runner.cleanup()
    return out

print(json.dumps(asyncio.run(main())))
"""


def test_action_calls_reuse_one_connection_and_send_the_domain_only_when_the_server_asks():
    out = in_rasa(ACTION_SERVER_CALLS)
    # Every run gives the action's answer; the first call was refused (449) and repeated with the domain.
    assert out["runs"] == [["hello action_converse", "en"], ["hello action_converse", "en"],
                           ["hello action_show_menu", "en"]]
    assert out["seen"] == [[False, True], [True, True], [False, True], [False, True]]
    assert out["one_connection"], "every call opened its own connection"
    assert out["error"] == 500  # Rasa's own error for an answer >= 400

