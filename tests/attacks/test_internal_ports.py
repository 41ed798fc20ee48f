"""Attack: a local user (or a page in a local browser) talks to the services behind the gateway.

Issue 12's last gaps: Rasa's REST channel on :5005 and the action server on :5055 are
bound to 127.0.0.1, so every local user and process reaches them. The action server ran
any action for any tracker posted to it (a forged tracker named a victim's conversation
and got their confirmation link; `action_submit_enquiry` would file a case; the actions
read the backend with the service token). Rasa's REST channel took any sender and so
skipped the gateway's identity rule and limits. Both now answer only the holder of their
token (a header; compared in constant time), and no other service is given it.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.slow
ACTION_HEADER = "X-Intake-Action-Token"
RASA_HEADER = "X-Intake-Rasa-Token"


def _action_call(conversation_id: str, action: str = "action_resend_confirmation") -> dict:
    """What Rasa posts to /webhook: the next action and the conversation's tracker (forged here)."""
    tracker = {
        "sender_id": conversation_id, "slots": {"language": "en"}, "latest_message": {
            "text": "send my confirmation again", "intent": {"name": "resend_confirmation", "confidence": 1.0},
            "entities": [], "metadata": {"channel": "rest"}},
        "latest_event_time": 0, "followup_action": None, "paused": False, "events": [],
        "latest_input_channel": "rest", "active_loop": {}, "latest_action": {"action_name": "action_listen"},
        "latest_action_name": "action_listen",
    }
    return {"next_action": action, "sender_id": conversation_id, "tracker": tracker, "domain": {}, "version": "3.6.21"}


def test_the_action_server_runs_no_action_without_the_token(stack, web_victim):
    url = stack.actions_url
    forged = _action_call(web_victim.conversation_id)
    tries = [
        {},  # no token at all
        {"headers": {ACTION_HEADER: "wrong-token-0123456789abcdef"}},
        {"headers": {ACTION_HEADER: stack.settings.actions_token[:-1]}},  # all but one character
        {"params": {"token": stack.settings.actions_token}},  # Rasa's `token:` query form is not taken
        {"headers": {"X-Internal-Token": stack.settings.internal_token}},  # the backend's token is another
        {"headers": {RASA_HEADER: stack.settings.rasa_token}},
    ]
    for extra in tries:
        refused = httpx.post(f"{url}/webhook", json=forged, timeout=30, **extra)
        assert refused.status_code == 401, (extra.keys(), refused.status_code)
        assert "confirmation_pdf" not in refused.text and "/downloads/" not in refused.text
        assert web_victim.case_number not in refused.text
    assert httpx.get(f"{url}/actions", timeout=30).status_code == 401
    # Health stays open (nothing in it), so do the readiness checks of the supervisor.
    assert httpx.get(f"{url}/health", timeout=30).status_code == 200
    assert httpx.get(f"{url}/health/ready", timeout=30).status_code == 200
    # The same forged call with the token runs: the token is all that stands in between.
    allowed = httpx.post(f"{url}/webhook", json=forged, headers={ACTION_HEADER: stack.settings.actions_token},
                         timeout=60)
    assert allowed.status_code == 200, allowed.text
    assert web_victim.case_number in allowed.text


def test_rasa_answers_its_rest_channel_only_for_the_gateway(stack):
    webhook = f"{stack.rasa_url}/webhooks/rest/webhook"
    body = {"sender": "local-attacker-0123456789abcdef", "message": "hello"}
    for extra in ({}, {"headers": {RASA_HEADER: "wrong-token-0123456789abcdef"}},
                  {"headers": {RASA_HEADER: stack.settings.rasa_token[:-1]}},
                  {"params": {"token": stack.settings.rasa_token}},  # the API's query form is not the channel's
                  {"headers": {ACTION_HEADER: stack.settings.actions_token}}):
        refused = httpx.post(webhook, json=body, timeout=30, **extra)
        assert refused.status_code == 401, (extra.keys(), refused.status_code, refused.text[:200])
        assert "text" not in refused.text
    assert httpx.get(f"{stack.rasa_url}/webhooks/rest/", timeout=30).status_code == 401
    # Rasa's HTTP API routes stay behind --auth-token (tests/attacks/test_defaults.py has the rest).
    assert httpx.post(f"{stack.rasa_url}/conversations/x/messages", json={"text": "hi", "sender": "user"},
                      timeout=30).status_code in (401, 403)
    answered = httpx.post(webhook, json=body, headers={RASA_HEADER: stack.settings.rasa_token}, timeout=60)
    assert answered.status_code == 200 and answered.json(), answered.text


def _environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").partition("=")[::2] for item in raw if b"=" in item)


def test_only_rasa_and_the_action_server_hold_the_action_token(stack):
    token = stack.settings.actions_token
    assert len(token) >= 32
    for name, service in stack.services.items():
        if service.pid is None or name == "clamd":
            continue
        holds = token in _environment(service.pid).values()
        assert holds == (name in ("rasa", "actions")), f"{name} {'holds' if holds else 'lacks'} the action token"


def test_the_tokens_travel_in_headers_never_in_urls():
    """Query strings end up in access logs and error messages; headers do not."""
    for path in ("endpoints.yml", "deploy/scale-out/endpoints.yml"):
        action_endpoint = yaml.safe_load((PROJECT_ROOT / path).read_text())["action_endpoint"]
        assert "token" not in action_endpoint and ACTION_HEADER in action_endpoint["headers"], path
        assert "INTAKE_ACTIONS_TOKEN" in action_endpoint["headers"][ACTION_HEADER]
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text())
    assert list(credentials) == ["bot.rasa_channel.GatewayRestInput"]  # the stock `rest:` would be open
