"""The supervisor's order, readiness, failure and stop behaviour, with stand-in processes."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.runner.environment import child_env, free_port
from bot.runner.readiness import http_ok
from bot.runner.services import ProcessService, ServiceFailed, wait_until_ready
from bot.runner.supervisor import Stack, StackError

DUMMY = Path(__file__).with_name("dummy_service.py")


def alive(pid: int) -> bool:
    """True while a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def dummy(tmp_path: Path, name: str, *args: str, port: int | None = None) -> ProcessService:
    """A ProcessService running dummy_service.py on a free port."""
    port = port or free_port()
    command = [sys.executable, DUMMY, str(port), *args]
    url = f"http://127.0.0.1:{port}/health"
    service = ProcessService(name, command, dict(os.environ), tmp_path / "log" / f"{name}.log",
                             lambda: http_ok(url), start_timeout_s=5.0)
    service.url = url
    return service


class DummyStack(Stack):
    """The real Stack with stand-ins instead of the product's services."""

    def __init__(self, tmp_path: Path, definitions: dict[str, tuple[str, ...]]) -> None:
        self.lines: list[str] = []
        super().__init__(Settings(var_dir=tmp_path, telegram_token=""), tmp_path / "model.tar.gz",
                         out=self.lines.append)
        self.definitions = definitions
        self.stopped: list[str] = []

    def _build(self, name, settings):
        service = dummy(self.var_dir, name, *self.definitions.get(name, ()))
        original_stop = service.stop

        def stop(timeout_s=10.0):
            self.stopped.append(name)
            original_stop(timeout_s)

        service.stop = stop
        return service


def test_a_service_becomes_ready_and_stop_kills_its_whole_process_group(tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    service = dummy(tmp_path, "web", "--delay", "0.5", "--grandchild", str(pidfile))
    service.launch()
    wait_until_ready(service, progress=lambda s: None)
    assert httpx.get(service.url).status_code == 200
    grandchild = int(pidfile.read_text())
    assert alive(grandchild)
    service.stop(timeout_s=5)
    assert not service.is_running()
    deadline = time.monotonic() + 5
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(grandchild), "a worker the service forked outlived it"


def test_a_service_dying_during_start_fails_with_its_log(tmp_path):
    service = dummy(tmp_path, "flaky", "--delay", "30", "--exit-after", "0.3")
    service.launch()
    with pytest.raises(ServiceFailed, match="exited with code 3 while starting"):
        wait_until_ready(service, progress=lambda s: None)
    assert "dummy gives up" in service.log_tail()


def test_a_service_that_never_gets_ready_times_out_and_reports_progress(tmp_path, monkeypatch):
    service = dummy(tmp_path, "slow", "--delay", "30")
    service.start_timeout_s = 1.0
    service.launch()
    reports = []
    try:
        with pytest.raises(ServiceFailed, match="not ready after 1 s"):
            wait_until_ready(service, progress=reports.append, every_s=0.4)
    finally:
        service.stop(timeout_s=2)
    assert reports and all(0.3 < seconds < 1.5 for seconds in reports)


def test_stop_kills_a_process_that_ignores_sigterm(tmp_path):
    command = [sys.executable, "-c",
               "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(60)"]
    service = ProcessService("stubborn", command, dict(os.environ), tmp_path / "stubborn.log", lambda: True)
    service.launch()
    time.sleep(0.3)
    started = time.monotonic()
    service.stop(timeout_s=0.5)
    assert not service.is_running()
    assert service.exit_description() == "it was killed by signal SIGKILL"
    assert time.monotonic() - started < 3


def test_the_stack_launches_in_order_and_stops_in_reverse(tmp_path, monkeypatch):
    monkeypatch.setattr(Stack, "telegram_off_reason", lambda self, settings=None: "Telegram is off (test)")
    stack = DummyStack(tmp_path, {})
    stack.start()
    try:
        assert list(stack.services) == ["clamd", "backend", "actions", "rasa", "gateway", "console"]
        assert all(httpx.get(s.url).status_code == 200 for s in stack.services.values())
        assert any("telegram: Telegram is off (test)" in line for line in stack.lines)
        assert any(line.startswith("[2/7] backend: ready after") for line in stack.lines)
    finally:
        stack.stop()
    assert stack.stopped == ["console", "gateway", "rasa", "actions", "backend", "clamd"]
    assert stack.services == {}


def test_the_services_start_together_and_the_stack_is_ready_when_all_are(tmp_path, monkeypatch):
    """Six services of 1.5 s each: one after another 9 s, together about the slowest one."""
    monkeypatch.setattr(Stack, "telegram_off_reason", lambda self, settings=None: "off")
    slow = {name: ("--delay", "1.5") for name in ("clamd", "backend", "actions", "rasa", "gateway", "console")}
    slow["rasa"] = ("--delay", "3")
    stack = DummyStack(tmp_path, slow)
    started = time.monotonic()
    stack.start()
    try:
        elapsed = time.monotonic() - started
        assert all(http_ok(s.url) for s in stack.services.values()), "start() returned before every service was ready"
        assert stack.ready_after_s["rasa"] >= 3.0
        assert stack.started_in_s >= stack.ready_after_s["rasa"]
        assert elapsed < 7.5, f"not started together: {elapsed:.1f} s"
    finally:
        stack.stop()


def test_the_telegram_bridge_is_launched_only_once_the_gateway_is_ready(tmp_path, monkeypatch):
    monkeypatch.setattr(Stack, "telegram_off_reason", lambda self, settings=None: None)
    stack = DummyStack(tmp_path, {"gateway": ("--delay", "1")})
    stack.start()
    try:
        lines = stack.lines
        gateway_ready = next(i for i, line in enumerate(lines) if line.startswith("[5/7] gateway: ready after"))
        telegram_starting = next(i for i, line in enumerate(lines) if line.startswith("[7/7] telegram: starting"))
        assert telegram_starting > gateway_ready
        assert http_ok(stack.services["telegram"].url)
    finally:
        stack.stop()


def test_a_failing_service_stops_every_service_started_with_it(tmp_path, monkeypatch):
    monkeypatch.setattr(Stack, "telegram_off_reason", lambda self, settings=None: "off")
    stack = DummyStack(tmp_path, {"rasa": ("--delay", "30", "--exit-after", "0.3")})
    with pytest.raises(StackError, match="rasa: it exited with code 3 while starting"):
        stack.start()
    # The failed one first (with its log shown), then the others in reverse order.
    assert stack.stopped == ["rasa", "console", "gateway", "actions", "backend", "clamd"]
    assert stack.services == {}
    assert any("dummy gives up" in line for line in stack.lines), "the log tail was not shown"


def test_one_service_can_be_stopped_and_started_again(tmp_path, monkeypatch):
    monkeypatch.setattr(Stack, "telegram_off_reason", lambda self, settings=None: "off")
    stack = DummyStack(tmp_path, {})
    stack.start()
    try:
        backend = stack.services["backend"]
        stack.stop_service("backend")
        assert not backend.is_running() and not http_ok(backend.url)
        with pytest.raises(StackError, match="already running"):
            stack.start_service("actions")
        stack.start_service("backend")
        assert http_ok(stack.services["backend"].url)
        assert stack.log_path("backend").read_text().count("--- ") == 2
    finally:
        stack.stop()


def test_children_get_exactly_the_stack_settings(monkeypatch, tmp_path):
    settings = Settings(var_dir=tmp_path, backend_port=9999, internal_token="t0ken")
    monkeypatch.setenv("INTAKE_RASA_URL", "http://stale:1")  # left over in the parent's environment
    env = child_env(settings)
    assert env["INTAKE_BACKEND_PORT"] == "9999"
    assert env["INTAKE_INTERNAL_TOKEN"] == "t0ken"
    assert env["INTAKE_RASA_URL"] == "http://127.0.0.1:5005"
    assert env["INTAKE_VAR_DIR"] == str(tmp_path)
    monkeypatch.delenv("INTAKE_RASA_URL")
    assert Settings(**{k[len("INTAKE_"):].lower(): v for k, v in env.items() if k.startswith("INTAKE_")}) == settings
