"""JSON logs (INTAKE_LOG_FORMAT=json) with one request id following a turn from the gateway
through Rasa and the action server to the backend, without conversation ids."""

from __future__ import annotations

import json
import logging

import pytest

from bot.ops.logs import JsonFormatter, RequestIdFilter, accept_request_id, request_id
from tests.e2e.chat import Chat

pytestmark = pytest.mark.slow
JSON_SERVICES = ("backend", "actions", "gateway")


def json_lines(path, offset: int) -> list[dict]:
    """The JSON objects a log file got since offset (non-JSON lines are a failure)."""
    text = path.read_bytes()[offset:].decode()
    entries = []
    for line in text.splitlines():
        if line.startswith("--- "):  # the supervisor's start marker
            continue
        entries.append(json.loads(line))  # fails on a plain-text line
    return entries


@pytest.fixture
def json_stack(stack):
    """The stack's gateway, action server and backend restarted with JSON logs (and back)."""
    for name in JSON_SERVICES:
        stack.stop_service(name)
    try:
        for name in reversed(JSON_SERVICES):
            stack.start_service(name, log_format="json")
        yield stack
    finally:
        for name in JSON_SERVICES:
            stack.stop_service(name)
        for name in reversed(JSON_SERVICES):
            stack.start_service(name)


def test_one_request_id_follows_a_turn_through_every_service(json_stack):
    stack = json_stack
    offsets = {name: stack.log_path(name).stat().st_size for name in JSON_SERVICES}
    chat = Chat(stack.gateway_url, language="en")
    chat.say("send my confirmation")  # gateway -> Rasa -> action server -> backend (latest receipt)
    logs = {name: json_lines(stack.log_path(name), offsets[name]) for name in JSON_SERVICES}

    [turn] = [e for e in logs["gateway"] if e["message"].startswith("turn channel=rest")]
    rid = turn["request_id"]
    assert accept_request_id(rid), turn
    assert turn["service"] == "gateway" and turn["level"] == "INFO" and "time" in turn
    actions = [e for e in logs["actions"] if e.get("request_id") == rid]
    assert any(e["message"].startswith("action action_resend_confirmation 200") for e in actions), logs["actions"]
    backend = [e for e in logs["backend"] if e.get("request_id") == rid]
    assert any(e["message"].startswith("GET /internal/") for e in backend), logs["backend"]
    for name, entries in logs.items():
        assert chat.sender not in json.dumps(entries), f"the conversation id is in {name}'s log"


def test_rasas_log_lines_of_a_turn_carry_its_request_id(json_stack):
    """Rasa's log stays plain text; what it logs while handling a turn ends with the turn's id.
    Here: the action server is down, and Rasa logs its failed call during the turn."""
    stack = json_stack
    stack.stop_service("actions")
    try:
        offsets = {name: stack.log_path(name).stat().st_size for name in ("gateway", "rasa")}
        chat = Chat(stack.gateway_url, language="en")
        chat.say("send my confirmation")  # a custom action: Rasa calls the action server
        [turn] = [e for e in json_lines(stack.log_path("gateway"), offsets["gateway"])
                  if e["message"].startswith("turn channel=rest")]
        rid = turn["request_id"]
        rasa_log = stack.log_path("rasa").read_bytes()[offsets["rasa"]:].decode(errors="replace")
        tagged = [line for line in rasa_log.splitlines() if line.endswith(f"[request_id={rid}]")]
        assert any("Failed to run custom action" in line for line in tagged), rasa_log[-3000:]
        assert chat.sender not in rasa_log
    finally:
        stack.start_service("actions", log_format="json")


def test_a_client_cannot_plant_a_request_id(stack):
    import httpx

    planted = "0123456789abcdef"
    offset = stack.log_path("gateway").stat().st_size
    sender = Chat(stack.gateway_url).sender  # a well-formed random sender
    response = httpx.post(f"{stack.gateway_url}/webhooks/rest/webhook", timeout=60,
                          headers={"X-Request-ID": planted},
                          json={"sender": sender, "message": "hello", "metadata": {"request_id": planted}})
    assert response.status_code == 200
    assert planted not in stack.log_path("gateway").read_bytes()[offset:].decode()
    assert planted not in stack.log_path("actions").read_text()


def test_json_lines_carry_the_error_class_and_no_ids_they_were_not_given():
    record = logging.LogRecord("bot.x", logging.ERROR, __file__, 1, "failed: %s", ("TimeoutError",), None)
    token = request_id.set("a1b2c3d4e5f60718")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    entry = json.loads(JsonFormatter("backend").format(record))
    assert entry == {**entry, "level": "ERROR", "service": "backend", "logger": "bot.x",
                     "message": "failed: TimeoutError", "request_id": "a1b2c3d4e5f60718"}
    assert accept_request_id("../../etc") is None and accept_request_id("A" * 16) is None
