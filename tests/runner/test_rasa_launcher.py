"""deploy/rasa/rasa_run.py hands the API token to Rasa inside the process, in a form argparse accepts."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import types
from pathlib import Path

import pytest

LAUNCHER = Path(__file__).resolve().parents[2] / "deploy" / "rasa" / "rasa_run.py"


def _requires_auth(app, token=None):
    """Rasa 3.6's signature (rasa/server.py); the real one is tested in tests/attacks/test_rasa_api_token.py."""
    return lambda handler: handler


def _launch(monkeypatch, token: str, actions_token: str = "actions-token-0123456789", code: int = 0,
            requires_auth=_requires_auth) -> list[str]:
    """Run the launcher with a stand-in for Rasa's entry point; return the argv Rasa would see."""
    seen: list[str] = []
    fake_main = types.ModuleType("rasa.__main__")
    fake_main.main = lambda: seen.extend(sys.argv) or 0
    fake_server = types.ModuleType("rasa.server")
    fake_server.requires_auth = requires_auth
    rasa = types.ModuleType("rasa")
    rasa.server = fake_server
    monkeypatch.setitem(sys.modules, "rasa", rasa)
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))  # the launcher's import hook goes with the test
    monkeypatch.setitem(sys.modules, "rasa.__main__", fake_main)
    monkeypatch.setitem(sys.modules, "rasa.server", fake_server)
    monkeypatch.setenv("INTAKE_RASA_TOKEN", token)
    monkeypatch.setenv("INTAKE_ACTIONS_TOKEN", actions_token)
    monkeypatch.delenv("INTAKE_ENV", raising=False)
    monkeypatch.setattr(sys, "argv", ["rasa_run.py", "run", "--enable-api", "--port", "5005"])
    spec = importlib.util.spec_from_file_location("rasa_run", LAUNCHER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr("os.umask", lambda _mask: 0)  # keep the test process's umask
    assert module.main() == code
    return seen


@pytest.mark.parametrize("token", ["-startswithdash0123456789", "plain0123456789abcdef", "--looks-like-an-option-1234"])
def test_any_generated_token_reaches_rasa_intact(monkeypatch, token):
    argv = _launch(monkeypatch, token)
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("--enable-api", action="store_true")
    parser.add_argument("--port")
    parser.add_argument("-t", "--auth-token")
    assert parser.parse_args(argv[1:]).auth_token == token


def test_rasa_refuses_to_start_without_the_action_server_token(monkeypatch, capsys):
    """Rasa would call the action server without the header it requires (or with a guessable one)."""
    for weak in ("", "short"):
        assert _launch(monkeypatch, "plain0123456789abcdef", actions_token=weak, code=2) == []
        err = capsys.readouterr().err
        assert "refusing to start" in err and "INTAKE_ACTIONS_TOKEN" in err


def test_the_token_check_is_replaced_before_rasa_starts(monkeypatch):
    _launch(monkeypatch, "plain0123456789abcdef")
    patched = sys.modules["rasa.server"].requires_auth
    assert patched is not _requires_auth and patched._intake_constant_time


def test_rasa_refuses_to_start_when_the_check_cannot_be_replaced(monkeypatch, capsys):
    """Another Rasa's requires_auth: better no API than one compared with `==`."""
    assert _launch(monkeypatch, "plain0123456789abcdef", code=2, requires_auth=lambda app, token, scope=None: None) == []
    err = capsys.readouterr().err
    assert "refusing to start" in err and "constant-time token check" in err
