"""Stops the services when the supervisor dies, however it dies (even SIGKILL).

The supervisor starts this as ``python -m bot.runner.watchdog GRACE_S`` with a pipe on
its stdin and writes ``+PGID`` / ``-PGID`` lines as services start and stop. When the
pipe reaches end of file without a ``quit`` line, the supervisor is gone: every
process group still registered gets SIGTERM, and SIGKILL after GRACE_S. Why not only
PR_SET_PDEATHSIG: that reaches the direct child alone, not the workers a service
forked, and a child that ignores or is stuck on SIGTERM would survive it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_S = 10.0


class Watchdog:
    """The supervisor's side: starts the watchdog process and tells it the groups to guard."""

    def __init__(self, grace_s: float = GRACE_S) -> None:
        self.grace_s = grace_s
        self.process: subprocess.Popen | None = None

    def watch(self, pgid: int) -> None:
        """Guard a service's process group (starts the watchdog on first use)."""
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.runner.watchdog", str(self.grace_s)],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                text=True, start_new_session=True, cwd=Path(__file__).resolve().parents[2],
            )  # fmt: skip
        self._send(f"+{pgid}")

    def unwatch(self, pgid: int) -> None:
        """The supervisor stopped this group itself."""
        self._send(f"-{pgid}")

    def close(self) -> None:
        """Orderly end: the watchdog exits without touching anything."""
        if self.process is not None:
            self._send("quit")
            try:
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
            self.process = None

    def _send(self, line: str) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                self.process.stdin.write(line + "\n")
                self.process.stdin.flush()
            except OSError:
                pass


def group_alive(pgid: int) -> bool:
    """True while any process of the group exists."""
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def signal_groups(groups: set[int], signum: int) -> None:
    """Send a signal to each group that still has members."""
    for pgid in groups:
        try:
            os.killpg(pgid, signum)
        except (ProcessLookupError, PermissionError):
            pass


def stop_groups(groups: set[int], grace_s: float) -> None:
    """SIGTERM, wait up to grace_s for the groups to empty, then SIGKILL what is left."""
    signal_groups(groups, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
    signal_groups(groups, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while any(group_alive(pgid) for pgid in groups) and time.monotonic() < deadline:
        time.sleep(0.1)
    signal_groups(groups, signal.SIGKILL)


def main(argv: list[str]) -> int:
    """Track groups from stdin until end of file; stop the rest unless told `quit`."""
    # The terminal's Ctrl-C and hang-up are for the supervisor, not for us.
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    grace_s = float(argv[0]) if argv else 10.0
    groups: set[int] = set()
    for line in sys.stdin:
        line = line.strip()
        if line == "quit":
            return 0
        if line[:1] in "+-" and line[1:].isdigit():
            (groups.add if line[0] == "+" else groups.discard)(int(line[1:]))
    if groups:
        stop_groups(groups, grace_s)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
