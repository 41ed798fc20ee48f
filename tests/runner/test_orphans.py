"""No orphans: services die with their supervisor however it dies, and leftovers of an
earlier run of this checkout are stopped at the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.runner import leftovers
from bot.scanning.clamd_process import ClamdError, ClamdLimits, ClamdProcess

from .test_supervisor import DummyStack, alive

SUPERVISOR = Path(__file__).with_name("dummy_supervisor.py")


def wait_gone(pids: list[int], timeout_s: float) -> list[int]:
    """The pids still alive after waiting up to timeout_s for them to go."""
    deadline = time.monotonic() + timeout_s
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def sleeper() -> subprocess.Popen:
    """A process in its own group, standing in for a service left behind."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)


def test_sigkill_of_the_supervisor_takes_every_service_and_worker_with_it(tmp_path):
    supervisor = subprocess.Popen([sys.executable, SUPERVISOR, tmp_path], stdout=subprocess.PIPE, text=True)
    try:
        assert supervisor.stdout.readline().strip() == "ready"
        pids = [int(line) for line in (tmp_path / "pids").read_text().split()]
        assert len(pids) == 3 and all(alive(pid) for pid in pids)
        supervisor.kill()
        supervisor.wait()
        # backend gets SIGTERM, its forked worker too; actions ignores SIGTERM and is killed after 1 s.
        assert wait_gone(pids, timeout_s=8) == []
    finally:
        supervisor.kill()


def test_leftovers_of_this_checkout_are_stopped_at_start_and_strangers_are_not(tmp_path, monkeypatch):
    monkeypatch.setattr(DummyStack, "telegram_off_reason", lambda self, settings=None: "off")
    left_behind, stranger = sleeper(), sleeper()
    try:
        run_dir = tmp_path / "run"
        leftovers.record(run_dir, "backend", left_behind.pid)
        leftovers.record(run_dir, "gateway", stranger.pid)
        # The gateway's pid was recycled since: another start time, another process.
        record = run_dir / "gateway.service"
        record.write_text(record.read_text().replace('"started": ', '"started": 1'))
        stack = DummyStack(tmp_path, {})
        stack.start()
        try:
            assert left_behind.wait(timeout=5) == -signal.SIGTERM
            assert stranger.poll() is None, "a process that merely reuses a recorded pid was killed"
            assert any(f"stopping a leftover of an earlier run of this checkout (pid {left_behind.pid})" in line
                       for line in stack.lines)
            assert sorted(path.name for path in run_dir.glob("*.service")) == [
                f"{name}.service" for name in sorted(stack.services)]
        finally:
            stack.stop()
        assert list(run_dir.glob("*.service")) == [], "an orderly stop leaves no records"
    finally:
        left_behind.kill()
        stranger.kill()


def clamd(run_dir: Path, socket_path: Path) -> ClamdProcess:
    from bot.config import Settings

    settings = Settings()
    return ClamdProcess(socket_path=socket_path, database_dir=settings.clamd_database_dir, run_dir=run_dir,
                        limits=ClamdLimits.for_uploads(settings.upload_max_file_bytes))


@pytest.mark.skipif(not Path("/usr/sbin/clamd").exists(), reason="clamd is not installed")
def test_a_leftover_clamd_of_this_checkout_is_stopped_and_a_foreign_one_explained(tmp_path):
    socket_path = tmp_path / "clamd.sock"
    orphan = clamd(tmp_path / "run", socket_path).start()  # then "forgotten", as by a killed run
    orphan_pid = orphan.pid
    successor = clamd(tmp_path / "run", socket_path)
    try:
        successor.start()
        assert not alive(orphan_pid), "the leftover clamd still runs"
        assert successor.is_running()
    finally:
        successor.stop()
        orphan.stop()
    foreign = clamd(tmp_path / "elsewhere", socket_path).start()
    try:
        with pytest.raises(ClamdError, match="another clamd already answers on .*clamd.sock, not started "
                                             "with this checkout's .*: stop that clamd, or .*INTAKE_CLAMD_SOCKET"):
            clamd(tmp_path / "run", socket_path).start()
        assert foreign.is_running(), "a clamd that is not ours was touched"
    finally:
        foreign.stop()
