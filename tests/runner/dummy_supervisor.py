"""A supervisor of stand-in services, to be killed by a test: the real Stack and watchdog.

Usage: python dummy_supervisor.py VAR_DIR
Starts backend (with a forked grandchild) and actions (ignores SIGTERM), writes
VAR_DIR/pids (one pid a line: services, grandchild) and prints "ready", then waits.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.config import Settings  # noqa: E402
from bot.runner.environment import free_port  # noqa: E402
from bot.runner.readiness import http_ok  # noqa: E402
from bot.runner.services import ProcessService  # noqa: E402
from bot.runner.supervisor import Stack  # noqa: E402
from bot.runner.watchdog import Watchdog  # noqa: E402

DUMMY = Path(__file__).with_name("dummy_service.py")
OPTIONS = {"backend": ["--grandchild"], "actions": ["--ignore-term"]}


class StandInStack(Stack):
    def _build(self, name, settings):
        port = free_port()
        extra = [str(option) for option in OPTIONS[name]]
        if extra == ["--grandchild"]:
            extra.append(str(self.var_dir / "grandchild.pid"))
        command = [sys.executable, DUMMY, str(port), *extra]
        return ProcessService(name, command, dict(os.environ), self.var_dir / "log" / f"{name}.log",
                              lambda: http_ok(f"http://127.0.0.1:{port}/health"), start_timeout_s=10.0)


def main() -> None:
    var_dir = Path(sys.argv[1])
    stack = StandInStack(Settings(var_dir=var_dir, telegram_token=""), var_dir / "model.tar.gz", out=lambda line: None)
    stack.watchdog = Watchdog(grace_s=1.0)
    for name in OPTIONS:
        stack.start_service(name)
    pids = [service.pid for service in stack.services.values()]
    pids.append(int((var_dir / "grandchild.pid").read_text()))
    (var_dir / "pids").write_text("\n".join(map(str, pids)) + "\n")
    print("ready", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main()
