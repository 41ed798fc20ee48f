"""Liveness and readiness of every service, and readiness saying why with each dependency down."""

from __future__ import annotations

import shutil

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.runner.environment import free_port
from tests.fixtures.fake_telegram import FakeTelegram

pytestmark = pytest.mark.slow


def ready(url: str) -> tuple[int, dict]:
    response = httpx.get(f"{url}/health/ready", timeout=10)
    return response.status_code, response.json()


def test_every_service_is_live_and_ready(stack):
    for url in (stack.gateway_url, stack.backend_url, stack.actions_url):
        assert httpx.get(f"{url}/health/live", timeout=10).status_code == 200
        status, body = ready(url)
        assert status == 200 and body["status"] == "ready", body
        assert set(body["checks"].values()) == {"ok"}
    assert set(ready(stack.gateway_url)[1]["checks"]) == {"rasa", "backend", "clamd"}
    assert set(ready(stack.actions_url)[1]["checks"]) == {"backend", "outbox"}
    assert set(ready(stack.backend_url)[1]["checks"]) == {"database"}


def test_clamd_down_makes_the_gateway_not_ready_and_says_why(stack):
    stack.stop_service("clamd")
    try:
        status, body = ready(stack.gateway_url)
        assert status == 503 and body["checks"]["clamd"] == "clamd does not answer", body
        assert body["checks"]["rasa"] == "ok" and body["checks"]["backend"] == "ok"
        assert httpx.get(f"{stack.gateway_url}/health/live", timeout=10).status_code == 200  # alive all the same
    finally:
        stack.start_service("clamd")
    assert ready(stack.gateway_url)[0] == 200


def test_backend_down_makes_gateway_and_action_server_not_ready(stack):
    stack.stop_service("backend")
    try:
        for url in (stack.gateway_url, stack.actions_url):
            status, body = ready(url)
            assert status == 503 and body["checks"]["backend"] == "backend not reachable", body
    finally:
        stack.start_service("backend")
    assert ready(stack.actions_url)[0] == 200


def test_the_gateway_without_rasa_is_not_ready(tmp_path):
    from bot.gateway.app import create_app

    settings = Settings(var_dir=tmp_path, rasa_port=free_port(), backend_port=free_port())
    with TestClient(create_app(settings)) as client:
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["rasa"] == "Rasa not reachable"
    assert str(settings.rasa_port) not in response.text, "no addresses in the answer"


def test_the_rasa_check_needs_a_loaded_model(stack):
    """Against the real Rasa (model loaded) and a port nobody serves. (Rasa answers /status
    with 409 and no model_file while it loads; that branch is what `make run` waits on too.)"""
    import asyncio

    from bot.ops.health import rasa_check

    assert asyncio.run(rasa_check(stack.rasa_url, stack.settings.rasa_token)()) is None
    # Without INTAKE_RASA_TOKEN Rasa's HTTP API refuses (401): not taken for a loaded model.
    assert asyncio.run(rasa_check(stack.rasa_url)()) == "Rasa has no model loaded"
    assert asyncio.run(rasa_check(f"http://127.0.0.1:{free_port()}")()) == "Rasa not reachable"


def test_the_gateway_with_rasa_up_but_no_model_loaded_is_not_ready(stack):
    """The real Rasa with its model unloaded (its HTTP API, DELETE /model): reachable, 409 on
    /status; the gateway says why. Rasa is restarted afterwards (loads the model again)."""
    token = stack.settings.rasa_token
    assert httpx.delete(f"{stack.rasa_url}/model", params={"token": token}, timeout=30).status_code == 204
    try:
        assert httpx.get(f"{stack.rasa_url}/status", params={"token": token}, timeout=10).status_code == 409
        status, body = ready(stack.gateway_url)
        assert status == 503 and body["checks"]["rasa"] == "Rasa has no model loaded", body
        assert body["checks"]["backend"] == "ok" and body["checks"]["clamd"] == "ok"
    finally:
        stack.stop_service("rasa")
        stack.start_service("rasa")
    assert ready(stack.gateway_url)[0] == 200


def test_the_backend_with_its_database_gone_is_not_ready(tmp_path):
    from bot.backend.app import create_app

    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(var_dir=tmp_path, backend_database_url=f"sqlite:///{data / 'backend.sqlite3'}")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health/ready").status_code == 200
        client.app.state.ctx.engine.dispose()
        shutil.rmtree(data)
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "checks": {"database": "database not reachable"}}


def test_the_telegram_bridge_reports_its_readiness(stack):
    with FakeTelegram() as fake:
        stack.start_service("telegram", **fake.settings_overrides())
        try:
            url = f"http://{stack.settings.host}:{stack.settings.telegram_health_port}"
            assert httpx.get(f"{url}/health/live", timeout=10).status_code == 200
            status, body = ready(url)
            assert status == 200 and body["checks"] == {"gateway": "ok", "telegram": "ok"}, body
            metrics = httpx.get(f"{url}/metrics", timeout=10,
                                headers={"Authorization": f"Bearer {stack.settings.metrics_token}"})
            assert metrics.status_code == 200 and "intake_http_requests_total" in metrics.text
            assert httpx.get(f"{url}/metrics", timeout=10).status_code == 401
            stack.stop_service("gateway")
            try:
                status, body = ready(url)
                assert status == 503 and body["checks"]["gateway"] == "gateway not reachable", body
            finally:
                stack.start_service("gateway")
            # The Bot API refusing getUpdates (429 here), then answering again: not ready, then ready.
            fake.flood_control["getUpdates"] = 10_000
            body = wait_for_check(url, "telegram", "Telegram not reachable")
            assert body["checks"]["gateway"] == "ok", body
            fake.flood_control["getUpdates"] = 0
            wait_for_check(url, "telegram", "ok")
            # The Bot API gone (connection refused): not ready, and still live.
            fake.stop()
            wait_for_check(url, "telegram", "Telegram not reachable")
            assert httpx.get(f"{url}/health/live", timeout=10).status_code == 200
        finally:
            stack.stop_service("telegram")


def wait_for_check(url: str, check: str, value: str, timeout: float = 40) -> dict:
    """The readiness body once `check` says `value` (the bridge long-polls for 10 s at a time)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        body = ready(url)[1]
        if body["checks"].get(check) == value or time.monotonic() > deadline:
            assert body["checks"].get(check) == value, body
            return body
        time.sleep(0.5)


@pytest.mark.postgres
def test_the_action_server_with_its_shared_outbox_gone_is_not_ready(tmp_path):
    """Scale-out: the outbox lives in PostgreSQL; the database going away shows in readiness."""
    import os
    import secrets
    import subprocess
    import sys
    import time

    import psycopg

    from bot.config import PROJECT_ROOT
    from tests.fixtures.postgres import PG_ADMIN, fresh_databases, url_of

    with fresh_databases("intake_outbox_ready") as (name,):
        port = free_port()
        env = {key: value for key, value in os.environ.items() if not key.startswith("INTAKE_")}
        env.update({"INTAKE_OUTBOX_DATABASE_URL": url_of(name), "INTAKE_VAR_DIR": str(tmp_path),
                    "INTAKE_BACKEND_PORT": str(free_port()), "INTAKE_INTERNAL_TOKEN": secrets.token_urlsafe(32),
                    "INTAKE_ACTIONS_TOKEN": secrets.token_urlsafe(32), "SANIC_HOST": "127.0.0.1"})
        log = open(tmp_path / "actions.log", "wb")
        server = subprocess.Popen([sys.executable, "-m", "actions", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{url}/health/live", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            status, body = ready(url)
            assert body["checks"]["outbox"] == "ok", (body, (tmp_path / "actions.log").read_text()[-2000:])
            assert status == 503 and body["checks"]["backend"] == "backend not reachable"  # none started here
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            status, body = ready(url)
            assert status == 503 and body["checks"]["outbox"] == "outbox not reachable", body
            assert name not in str(body), "no database names in the answer"
            assert httpx.get(f"{url}/health/live", timeout=10).status_code == 200  # alive all the same
        finally:
            os.killpg(server.pid, 9)
            server.wait(timeout=10)
            log.close()
