"""Concurrent submissions: one case per idempotency key and per open person+concern; unique numbers."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import select

from bot import case_numbers
from bot.backend.models import Case
from bot.config import PROJECT_ROOT
from tests.backend.conftest import INTERNAL, STAFF_TOKENS, submission
from tests.backend.helpers import counts

THREADS = 8


def _parallel(client, bodies: list[dict]) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda body: client.post("/internal/cases", json=body, headers=INTERNAL), bodies))


def test_the_same_key_at_once_yields_exactly_one_case(client, ctx):
    body = submission()
    responses = _parallel(client, [body] * THREADS)
    assert sorted(r.status_code for r in responses) == [200] * (THREADS - 1) + [201]
    assert len({r.json()["case_number"] for r in responses}) == 1
    assert counts(ctx) == {"cases": 1, "case_entries": 1, "uploads": 0}


def test_the_same_person_at_once_yields_one_case_and_follow_ups(client, ctx):
    responses = _parallel(client, [submission(idempotency_key=f"person-{i:02d}") for i in range(THREADS)])
    assert sorted(r.json()["status"] for r in responses) == ["created"] + ["follow_up"] * (THREADS - 1)
    assert len({r.json()["case_number"] for r in responses}) == 1
    assert counts(ctx) == {"cases": 1, "case_entries": THREADS, "uploads": 0}


def test_the_same_person_from_many_conversations_at_once_yields_one_work_item(client, ctx):
    bodies = [submission(idempotency_key=f"person-{i:02d}", conversation_id=f"conv-{i}") for i in range(THREADS)]
    responses = _parallel(client, bodies)
    assert all(r.status_code == 201 and r.json()["status"] == "created" for r in responses)
    assert len({r.json()["case_number"] for r in responses}) == THREADS
    with ctx.sessions() as session:
        cases = session.scalars(select(Case)).all()
        holders = [c for c in cases if c.open_key is not None]
        assert len(holders) == 1  # one open work item per person and concern
        assert sorted(c.duplicate_of_id for c in cases if c is not holders[0]) == [holders[0].id] * (THREADS - 1)


def test_different_people_at_once_get_distinct_random_numbers(client, ctx):
    responses = _parallel(client, [submission(given_names=f"Person {chr(65 + i)}") for i in range(4)])
    assert all(r.status_code == 201 for r in responses)
    numbers = {r.json()["case_number"] for r in responses}
    assert len(numbers) == 4 and all(case_numbers.canonical(n) == n for n in numbers)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_module_serves_over_real_http_and_stays_consistent(settings, tmp_path):
    """`python -m bot.backend` under concurrent httpx clients: one case per key."""
    port = _free_port()
    env = {**os.environ, "INTAKE_VAR_DIR": str(settings.var_dir), "INTAKE_BACKEND_PORT": str(port),
           "INTAKE_BACKEND_DATABASE_URL": settings.backend_database_url, "INTAKE_HOST": "127.0.0.1",
           "INTAKE_INTERNAL_TOKEN": INTERNAL["X-Internal-Token"], "INTAKE_STAFF_TOKENS": json.dumps(STAFF_TOKENS)}
    log_path = Path(tmp_path, "server.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "bot.backend"], cwd=PROJECT_ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server)
        body = submission(idempotency_key="http-key-1")
        with httpx.Client(base_url=base, headers=INTERNAL, timeout=30) as http, ThreadPoolExecutor(6) as pool:
            responses = list(pool.map(lambda _: http.post("/internal/cases", json=body), range(6)))
            assert sorted(r.status_code for r in responses) == [200] * 5 + [201]
            assert len({r.json()["case_number"] for r in responses}) == 1
            listed = http.get("/staff/api/cases", headers={"Authorization": f"Bearer {STAFF_TOKENS['B2']}"}).json()
            assert len(listed) == 1
    finally:
        server.terminate()
        server.wait(timeout=15)
    output = log_path.read_text()
    # Request lines carry route templates only: no tokens, codes, names or e-mail addresses.
    assert "POST /internal/cases 201" in output
    for secret in (responses[0].json()["download_token"], responses[0].json()["verification_code"], "Haddad",
                   "amira@example.org", STAFF_TOKENS["B2"]):
        assert secret not in output
    assert not re.search(r"Traceback", output)


def _wait_healthy(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "backend exited during start"
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("backend did not become healthy within 30 s")
