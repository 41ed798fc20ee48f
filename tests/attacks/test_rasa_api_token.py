"""Attack: guessing Rasa's API token by timing. Rasa 3.6 compares `?token=` with `==`
(rasa/server.py `requires_auth`): the answer comes back sooner the fewer leading
characters match. deploy/rasa/rasa_run.py replaces that check with one that compares in
constant time (issue 16; the last gap of #12).

Two views: Rasa's real code in `.venv-rasa` with the launcher's patch (every guarded
route carries the patched check, `hmac.compare_digest` decides, wrong tokens get Rasa's
own 401), and the running product's Rasa (started through the launcher) refusing wrong
tokens and answering the right one.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from bot.config import PROJECT_ROOT
from bot.runner.environment import RASA_LAUNCHER, RASA_PYTHON, rasa_env

CHECK = r"""
import asyncio, hmac, importlib.util, json, sys, types
import rasa.server
from sanic import Sanic

Sanic.test_mode = True  # two apps of the same name in one process

TOKEN = "api-token-0123456789abcdefghij"
original = rasa.server.requires_auth


def guarded_routes(app, code):
    return sorted(f"{sorted(r.methods)} {r.path}" for r in app.router.routes if getattr(r.handler, "__code__", None) is code)


stock_app = rasa.server.create_app(auth_token=TOKEN)
stock_guarded = guarded_routes(stock_app, original(stock_app, TOKEN)(lambda request: None).__code__)

spec = importlib.util.spec_from_file_location("rasa_run", sys.argv[1])
launcher = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launcher)
launcher.constant_time_api_token()
launcher.constant_time_api_token()  # a second call changes nothing
app = rasa.server.create_app(auth_token=TOKEN)
patched_code = rasa.server.requires_auth(app, TOKEN)(lambda request: None).__code__
closure = [cell.cell_contents for cell in rasa.server.requires_auth.__closure__ or ()]
out = {"stock_guarded": stock_guarded, "patched_guarded": guarded_routes(app, patched_code),
       "wraps_rasas_own": any(item is original for item in closure)}

compared = []
real_compare = hmac.compare_digest
hmac.compare_digest = lambda a, b: compared.append((len(a), len(b))) or real_compare(a, b)


async def handler(request):
    return "answered"


def ask(decorated, token):
    request = types.SimpleNamespace(args={} if token is None else {"token": token}, app=app)
    try:
        return asyncio.run(decorated(request))
    except rasa.server.ErrorResponse as error:
        return [error.status, error.error_info["reason"], error.error_info["message"]]


ours, stock = rasa.server.requires_auth(app, TOKEN)(handler), original(app, TOKEN)(handler)
wrong = [None, "", "wrong", TOKEN[:-1], TOKEN[:-1] + "x", TOKEN + "x", "x" + TOKEN[1:], "\u00e4" * 30, "\ud800"]
out["wrong"] = [[ask(ours, token), ask(stock, token)] for token in wrong]
compared.clear()
out["right"] = [ask(ours, TOKEN), ask(stock, TOKEN)]
out["compared"] = compared
out["without_token"] = ask(rasa.server.requires_auth(app, None)(handler), None)
print("RESULT " + json.dumps(out))
"""


def test_rasas_token_check_is_constant_time_and_refuses_what_rasa_refused(tmp_path):
    script = tmp_path / "check.py"
    script.write_text(CHECK)
    result = subprocess.run([str(RASA_PYTHON), str(script), str(RASA_LAUNCHER)], cwd=PROJECT_ROOT,
                            env={**rasa_env(), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stdout[-2000:] + result.stderr[-3000:]
    out = json.loads(lines[-1][len("RESULT "):])
    # Every route Rasa guards is guarded by the patched check, and no other.
    assert len(out["stock_guarded"]) >= 15 and out["patched_guarded"] == out["stock_guarded"], out
    assert out["wraps_rasas_own"], "installing twice wrapped the patched check again"
    for ours, stock in out["wrong"]:
        assert ours == stock and ours[0] == 401 and ours[1] == "NotAuthenticated", (ours, stock)
    assert out["right"] == ["answered", "answered"]
    assert out["compared"] == [[30, 30]], "the right token was not compared with hmac.compare_digest"
    # No token configured: Rasa's own behaviour (an open API; the launcher never starts it so).
    assert out["without_token"] == "answered"


@pytest.mark.slow
def test_the_running_rasa_refuses_wrong_tokens_and_answers_the_right_one(stack):
    token = stack.settings.rasa_token
    # Started through the launcher, which refuses to start Rasa without the patched check.
    cmdline = Path(f"/proc/{stack.services['rasa'].pid}/cmdline").read_bytes().split(b"\0")
    assert str(RASA_LAUNCHER).encode() in cmdline, cmdline[:3]
    wrong = ["", "wrong", token[:-1], token[:-1] + ("x" if token[-1] != "x" else "y"), token + "x",
             ("x" if token[0] != "x" else "y") + token[1:], "\u00e4" * len(token)]
    for guess in wrong:
        response = httpx.get(f"{stack.rasa_url}/status", params={"token": guess}, timeout=30)
        assert response.status_code == 401, (len(guess), response.status_code)
        assert response.json()["reason"] == "NotAuthenticated"
    assert httpx.get(f"{stack.rasa_url}/status", timeout=30).status_code == 401
    answered = httpx.get(f"{stack.rasa_url}/status", params={"token": token}, timeout=30)
    assert answered.status_code == 200 and answered.json().get("model_file"), answered.text[:300]
