"""Services of this checkout left running by an earlier run, found and stopped at start.

Each started service is recorded in ``var/run/NAME.service`` (pid, the process's start
time and the checkout path). The start time guards against a recycled pid: a file
whose pid now belongs to another process is stale, and that process is left alone.
A record is removed when the service is stopped in order.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT

SUFFIX = ".service"


def process_start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc), or None when it is gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] == "Z" else int(fields[19])


@dataclass(frozen=True)
class Leftover:
    name: str
    pid: int
    record: Path


def record(run_dir: Path, name: str, pid: int) -> None:
    """Note that this checkout started service `name` as `pid` (its own process group)."""
    run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    entry = {"pid": pid, "started": process_start_time(pid), "checkout": str(PROJECT_ROOT)}
    path = run_dir / f"{name}{SUFFIX}"
    path.write_text(json.dumps(entry) + "\n")
    path.chmod(0o600)  # var/ is private (bot/safe_start.py)


def forget(run_dir: Path, name: str) -> None:
    """The service stopped in order: drop its record."""
    (run_dir / f"{name}{SUFFIX}").unlink(missing_ok=True)


def find(run_dir: Path) -> list[Leftover]:
    """Recorded services that still run; stale records are removed."""
    found = []
    for path in sorted(run_dir.glob(f"*{SUFFIX}")):
        try:
            entry = json.loads(path.read_text())
            pid, started = int(entry["pid"]), entry["started"]
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            continue
        if started is not None and process_start_time(pid) == started:
            found.append(Leftover(path.name[: -len(SUFFIX)], pid, path))
        else:
            path.unlink(missing_ok=True)
    return found


def stop(leftovers: list[Leftover], out: Callable[[str], None], grace_s: float = 10.0) -> None:
    """SIGTERM each leftover's process group, SIGKILL after grace_s; remove the records."""
    for leftover in leftovers:
        out(f"{leftover.name}: stopping a leftover of an earlier run of this checkout (pid {leftover.pid})")
        _signal(leftover.pid, signal.SIGCONT)
        _signal(leftover.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and any(_running(left) for left in leftovers):
        time.sleep(0.1)
    for leftover in leftovers:
        _signal(leftover.pid, signal.SIGKILL)  # the leader's forked workers too
        leftover.record.unlink(missing_ok=True)


def stop_all(run_dir: Path, out: Callable[[str], None]) -> None:
    """Find and stop every leftover of this checkout."""
    if run_dir.is_dir() and (leftovers := find(run_dir)):
        stop(leftovers, out)


def _running(leftover: Leftover) -> bool:
    """True while the leftover's main process runs (a zombie has finished)."""
    return process_start_time(leftover.pid) is not None


def _signal(pgid: int, signum: int) -> None:
    """Signal a process group if any member is left."""
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass
