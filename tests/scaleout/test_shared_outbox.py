"""Scale-out: the outbox on PostgreSQL, shared by every action server. An outbox worker
killed while it delivers leaves its cases to the others, and each case arrives once."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from bot.config import PROJECT_ROOT
from bot.models import CaseSubmission
from tests.backend.conftest import submission
from tests.fixtures.postgres import fresh_databases, url_of

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def outbox_database():
    with fresh_databases("intake_outbox") as (name,):
        yield url_of(name)


class SilentBackend:
    """Accepts connections and never answers: a delivery to it hangs with its row claimed."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def worker(stack, database_url: str, backend_url: str) -> subprocess.Popen:
    """`python -m actions.outbox`, as a scale-out action server runs it, on the shared table."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTAKE_")}
    env.update({"INTAKE_OUTBOX_DATABASE_URL": database_url, "INTAKE_BACKEND_URL": backend_url,
                "INTAKE_INTERNAL_TOKEN": stack.settings.internal_token, "INTAKE_VAR_DIR": str(stack.var_dir)})
    return subprocess.Popen([sys.executable, "-m", "actions.outbox", "--interval", "0.2"], cwd=PROJECT_ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stored_count(stack, status: str) -> float:
    text = httpx.get(f"{stack.backend_url}/metrics", timeout=10,
                     headers={"Authorization": f"Bearer {stack.settings.metrics_token}"}).text
    from prometheus_client.parser import text_string_to_metric_families

    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "intake_cases_stored_total" and s.labels.get("status") == status)


def test_cases_of_a_killed_outbox_worker_are_delivered_by_another_exactly_once(stack, outbox_database, monkeypatch):
    monkeypatch.setenv("INTAKE_OUTBOX_DATABASE_URL", outbox_database)
    from bot.config import get_settings

    get_settings.cache_clear()
    from actions import outbox

    try:
        # Three different people: the same person and concern again would be a follow-up.
        cases = [CaseSubmission.model_validate(submission(conversation_id=f"outbox-{secrets.token_hex(4)}",
                                                          family_name=f"Haddad{name}"))
                 for name in ("Eins", "Zwei", "Drei")]
        for case in cases:
            outbox.enqueue(case, start_worker=False)
        assert outbox.stats()[0] == 3
        created_before, existing_before = stored_count(stack, "created"), stored_count(stack, "existing")

        silent = SilentBackend()
        first = worker(stack, outbox_database, silent.url)
        try:
            deadline = time.monotonic() + 30
            while not silent.accepted and time.monotonic() < deadline:
                time.sleep(0.05)
            assert silent.accepted, "the first worker never tried to deliver"
            first.send_signal(signal.SIGKILL)  # dies with one row claimed, mid-delivery
            first.wait(timeout=10)
        finally:
            first.kill()
            silent.close()
        assert outbox.stats()[0] == 3, "nothing may count as delivered by a dead worker"

        others = [worker(stack, outbox_database, stack.backend_url) for _ in range(2)]  # two servers left
        try:
            deadline = time.monotonic() + 60
            while outbox.stats()[0] and time.monotonic() < deadline:
                time.sleep(0.2)
            assert outbox.stats()[0] == 0, "cases still waiting"
        finally:
            for other in others:
                other.kill()
                other.wait()
        assert stored_count(stack, "created") - created_before == 3
        assert stored_count(stack, "existing") - existing_before == 0, "a case was sent twice"
        for case in cases:
            receipt = outbox.delivered_receipt(case.conversation_id)
            assert receipt is not None and receipt.case_number
    finally:
        outbox.engine().dispose()
        get_settings.cache_clear()
