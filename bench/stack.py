"""The whole product for benchmarks: bot.runner.Stack on free ports in a temp var dir, timed per service."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bench.procs import tree_rss_mib
from bot.config import Settings
from bot.runner import Stack
from bot.runner.environment import free_port
from bot.runner.services import ClamdService, ProcessService

# Same upload limits as production: the 10 MB benchmark file must fit under 10 MiB.
# The rate limits stay on (their code runs) but cannot refuse the bench's own traffic: on a
# quiet machine 20 conversations from 127.0.0.1 exceed the default 8 chats/s per client, and
# the refusals (429, answered in 2 ms) counted as fast turns.
BENCH_LIMITS = {f"rate_limit_{kind}_{per}": "100000/second" for kind in ("chat", "upload", "download")
                for per in ("client", "conversation")}


def bench_settings(var_dir: Path) -> Settings:
    """Settings of a private stack (like tests/fixtures/stack.py): free ports, files under var_dir."""
    saved = {name: os.environ.pop(name) for name in list(os.environ) if name.startswith("INTAKE_")}
    try:
        return Settings(
            var_dir=var_dir, host="127.0.0.1", internal_token=secrets.token_urlsafe(32),
            rasa_token=secrets.token_urlsafe(32),
            rasa_port=free_port(), actions_port=free_port(), backend_port=free_port(),
            gateway_port=free_port(), telegram_webhook_port=free_port(),
            clamd_socket=var_dir / "run" / "clamd.sock", telegram_token="", **BENCH_LIMITS,
        )  # fmt: skip
    finally:
        os.environ.update(saved)


class TimedStack(Stack):
    """The real Stack (Telegram off: no token), with per-service and total start times."""

    def __init__(self, settings: Settings, model_path: Path, out=lambda line: None) -> None:
        super().__init__(settings, model_path, out=out)

    @property
    def ready_s(self) -> dict[str, float]:
        """Launch to ready per service (they start together, so these overlap)."""
        return dict(self.ready_after_s)

    def pid(self, name: str) -> int | None:
        """The main process id of a running service."""
        service = self.services.get(name)
        if isinstance(service, ProcessService) and service.process is not None:
            return service.process.pid
        if isinstance(service, ClamdService):
            return service.process.pid
        return None

    def rss_mib(self) -> dict[str, float]:
        """RSS per service (its process tree) and the sum, in MiB."""
        per_service = {name: tree_rss_mib(pid) for name in self.services if (pid := self.pid(name))}
        return {**per_service, "total": round(sum(per_service.values()), 1)}
