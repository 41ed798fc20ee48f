"""Attack: publicly known defaults. Placeholder tokens, an open Rasa HTTP API, world-readable var/.

Replays what issue 12 observed on a fresh `make run`: the backend started as documented
accepted `dev-internal-token`, Rasa's :5005 gave out any conversation's tracker without
authentication, and data files, logs and attachments were 0644.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.safe_start import UnsafeSecret, require_secrets
from tests.faults.helpers import answer_until_summary, backend_rows, person, start_other_enquiry, wait_for
from tests.e2e.chat import Chat, internal_id

PLACEHOLDER = "dev-internal-token"
# One process each (they start in parallel): a placeholder, a missing and a short token.
REFUSED = {"backend": (["-m", "bot.backend"], PLACEHOLDER), "gateway": (["-m", "bot.gateway"], ""),
           "actions": (["-m", "actions"], "short-token")}


def _clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    return {**env, "INTAKE_BACKEND_PORT": "9", "INTAKE_GATEWAY_PORT": "9", **values}


def test_no_service_starts_with_a_missing_or_placeholder_token(tmp_path):
    started = {}
    for name, (args, token) in REFUSED.items():
        env = _clean_env(INTAKE_VAR_DIR=str(tmp_path), **({"INTAKE_INTERNAL_TOKEN": token} if token else {}))
        started[name] = subprocess.Popen([sys.executable, *args], cwd=PROJECT_ROOT, env=env, text=True,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for name, process in started.items():
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 2, (name, err[-800:])
        assert "refusing to start" in err and "INTAKE_INTERNAL_TOKEN" in err, (name, err[-800:])
        token = REFUSED[name][1]
        assert not token or token not in err.replace("INTAKE_INTERNAL_TOKEN", "")  # the value is not printed


def test_development_mode_is_the_one_explicit_way_to_use_the_placeholder():
    with pytest.raises(UnsafeSecret, match="INTAKE_INTERNAL_TOKEN is a publicly known placeholder"):
        require_secrets(Settings(internal_token=PLACEHOLDER), "internal_token")
    with pytest.raises(UnsafeSecret, match="INTAKE_RASA_TOKEN is not set"):
        require_secrets(Settings(internal_token="x" * 32), "internal_token", "rasa_token")
    development = Settings(env="development")
    assert development.internal_token == PLACEHOLDER
    require_secrets(development, "internal_token", "rasa_token")


def test_the_running_backend_refuses_the_placeholder_token(stack):
    for token in (PLACEHOLDER, ""):
        response = httpx.get(f"{stack.backend_url}/internal/uploads", params={"conversation_id": "x"},
                             headers={"X-Internal-Token": token})
        assert response.status_code == 401, response.text


def test_rasa_http_api_needs_the_token(stack):
    chat = Chat(stack.gateway_url, language="en")
    chat.say("hello")  # the gateway's REST channel call needs no token and still works
    assert chat.text
    rasa = stack.rasa_url
    conversation_id = internal_id(stack.var_dir, chat.sender)  # as Rasa knows the conversation
    for path in (f"/conversations/{conversation_id}/tracker", "/status", "/domain"):
        for params in (None, {"token": "wrong"}, {"token": PLACEHOLDER}):
            response = httpx.get(f"{rasa}{path}", params=params, timeout=30)
            assert response.status_code in (401, 403), (path, params, response.status_code)
            assert conversation_id not in response.text and "hello" not in response.text
    refused = httpx.post(f"{rasa}/model/parse", json={"text": "hallo"}, timeout=30)
    assert refused.status_code in (401, 403)
    tracker = httpx.get(f"{rasa}/conversations/{conversation_id}/tracker", params={"token": stack.settings.rasa_token},
                        timeout=30)
    assert tracker.status_code == 200 and tracker.json()["sender_id"] == conversation_id


def test_rasa_token_is_not_on_any_command_line(stack):
    token = stack.settings.rasa_token
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            assert token.encode() not in cmdline, f"process {proc.name} shows the Rasa token in its argv"
    assert (stack.var_dir / "log" / "rasa.log").exists()
    assert token not in (stack.var_dir / "log" / "rasa.log").read_text(errors="replace")


def test_var_files_are_private_after_a_stack_start(stack):
    exposed = []
    for directory, subdirs, files in os.walk(stack.var_dir):
        for name in subdirs:
            path = Path(directory, name)
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                exposed.append(f"{path} {oct(stat.S_IMODE(path.stat().st_mode))}")
        for name in files:
            path = Path(directory, name)
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode) and stat.S_IMODE(mode) & 0o077:
                exposed.append(f"{path} {oct(stat.S_IMODE(mode))}")
    assert stat.S_IMODE(stack.var_dir.stat().st_mode) == 0o700
    assert (stack.var_dir / "log" / "gateway.log").exists() and (stack.var_dir / "tracker.sqlite3").exists()
    assert not exposed, "readable by others:\n" + "\n".join(exposed)


def test_a_backend_refusing_the_token_is_an_operator_error_and_the_case_is_queued(stack):
    """401 from the backend: logged loudly, the case waits in the outbox, the client is not blamed."""
    chat = Chat(stack.gateway_url, language="en")
    answers = person("Tokenwrong")
    start_other_enquiry(chat)
    answer_until_summary(chat, answers)
    actions_log = stack.log_path("actions")
    offset = actions_log.stat().st_size
    stack.stop_service("backend")
    try:
        stack.start_service("backend", internal_token="a-different-token-the-operator-set-0123")
        chat.press("send it")
        assert "stored safely" in chat.text, chat.text
        assert "invalid" not in chat.text.lower() and not chat.custom
    finally:
        stack.stop_service("backend")
        stack.start_service("backend")
    logged = actions_log.read_text(errors="replace")[offset:]
    assert "OPERATOR ACTION NEEDED" in logged and "INTAKE_INTERNAL_TOKEN" in logged
    assert chat.sender not in logged and answers["email"] not in logged
    wait_for(lambda: backend_rows(stack.var_dir, chat.sender), 20, "the queued case after the token was fixed")
