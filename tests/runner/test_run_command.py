"""`python -m bot.runner` (what `make run` ends with): start, report, stop cleanly on signals."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from bot.config import PROJECT_ROOT
from bot.runner.environment import free_port
from .processes import processes_with_env

pytestmark = pytest.mark.slow


class Runner:
    """The run command as a child process, its output collected line by line."""

    def __init__(self, var_dir) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("INTAKE_")}
        env.update({
            "INTAKE_VAR_DIR": str(var_dir),
            "INTAKE_GATEWAY_PORT": str(free_port()),
            "INTAKE_BACKEND_PORT": str(free_port()),
            "INTAKE_ACTIONS_PORT": str(free_port()),
            "INTAKE_RASA_PORT": str(free_port()),
        })
        self.var_dir = var_dir
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.runner"], cwd=PROJECT_ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """Collect output until the process closes it."""
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout_s: float) -> None:
        """Block until a line contains text; fail with the output so far."""
        deadline = time.monotonic() + timeout_s
        while not any(text in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"never printed {text!r}; output:\n" + "\n".join(self.lines))
            time.sleep(0.1)

    def stop(self, signum: int) -> int:
        """Send a signal and return the exit code."""
        self.process.send_signal(signum)
        return self.process.wait(timeout=60)

    def leftovers(self) -> list[int]:
        """Processes still carrying this run's var dir."""
        deadline = time.monotonic() + 5
        while (found := processes_with_env("INTAKE_VAR_DIR", str(self.var_dir))) and time.monotonic() < deadline:
            time.sleep(0.1)
        return found


def test_sigterm_while_rasa_loads_stops_every_service_started_with_it(tmp_path):
    runner = Runner(tmp_path)
    try:
        runner.wait_for("rasa: starting", timeout_s=120)
        time.sleep(1)  # Rasa is busy importing TensorFlow now
        assert runner.stop(signal.SIGTERM) == 0
    finally:
        runner.process.kill()
    assert runner.leftovers() == []
    stops = [line.split()[1] for line in runner.lines if line.startswith("stopping ")]
    # The services start together: all of them were launched, none was ready yet.
    assert stops == ["console", "gateway", "rasa", "actions", "backend", "clamd"]
    secrets = tmp_path / "secrets.env"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert "INTAKE_INTERNAL_TOKEN=" in secrets.read_text()


def test_ctrl_c_after_start_stops_everything_in_reverse_order(tmp_path):
    runner = Runner(tmp_path)
    try:
        runner.wait_for("Web chat: http://127.0.0.1:", timeout_s=280)
        assert any("about a minute to load a model" in line for line in runner.lines)
        assert runner.stop(signal.SIGINT) == 0
    finally:
        runner.process.kill()
    assert runner.leftovers() == []
    stops = [line.split()[1] for line in runner.lines if line.startswith("stopping ")]
    assert stops == ["console", "gateway", "rasa", "actions", "backend", "clamd"]


def test_sigkill_of_the_run_command_leaves_no_service_behind(tmp_path):
    """kill -9 (or an OOM kill) gives no chance to stop in order: the watchdog and the
    parent-death signal stop clamd, backend, action server and Rasa all the same."""
    runner = Runner(tmp_path)
    try:
        runner.wait_for("rasa: starting", timeout_s=120)
        assert processes_with_env("INTAKE_VAR_DIR", str(tmp_path)), "nothing ran, nothing proven"
        runner.process.kill()
        runner.process.wait(timeout=10)
    finally:
        runner.process.kill()
    deadline = time.monotonic() + 15  # the watchdog's SIGKILL comes 10 s after its SIGTERM
    while processes_with_env("INTAKE_VAR_DIR", str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with_env("INTAKE_VAR_DIR", str(tmp_path)) == []
