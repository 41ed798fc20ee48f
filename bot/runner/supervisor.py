"""The whole product as one object: start every service at once, stop in reverse order.

The services do not need each other to start (each one's readiness is its own: a process
that answers; the gateway, action server and bridge report an unreachable neighbour in
/health/ready, not by failing), so they are launched together and the stack is ready when
every one of them is (issue 17: 15 s one after another, Rasa alone ~8 s). Only the
Telegram bridge waits for the gateway, whose reachability is its readiness.

``Stack(settings, model_path).start()`` is what ``make run`` and the test fixture
``tests/fixtures/stack.py`` both use, so tests run the product the way users do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings
from bot.gateway.identity import KEY_VARIABLE
from bot.runner import leftovers
from bot.runner.environment import (
    ACTIONS_TOKEN_VARIABLE, APP_PYTHON, RASA_LAUNCHER, RASA_PYTHON, child_env, rasa_env, stored_secret,
)
from bot.runner.readiness import http_ok, rasa_model_loaded
from bot.safe_start import private_dir, tighten_tree
from bot.runner.services import (
    POLL_S, ClamdService, ProcessService, Service, ServiceFailed, check_ready, wait_until_ready,
)
from bot.runner.watchdog import Watchdog

SERVICE_ORDER = ("clamd", "backend", "actions", "rasa", "gateway", "console", "telegram")
# A service launched only once these are ready (its own readiness depends on them).
STARTS_AFTER = {"telegram": ("gateway",)}
RASA_NOTE = "Rasa takes up to about a minute to load a model"
PROGRESS_EVERY_S = 10.0


class StackError(RuntimeError):
    """The stack could not start; the message says which service and why."""


class Stack:
    """Starts (together), watches and stops clamd, backend, action server, Rasa, gateway and Telegram."""

    def __init__(self, settings: Settings, model_path: Path, out: Callable[[str], None] = print) -> None:
        if not settings.conversation_key:
            # Fixed before any service starts, so every gateway hashes with the same key.
            key = stored_secret(settings.var_dir, KEY_VARIABLE)
            settings = settings.model_copy(update={"conversation_key": key})
        if not settings.actions_token:
            # Rasa shows it to the action server, which refuses every call without it.
            token = stored_secret(settings.var_dir, ACTIONS_TOKEN_VARIABLE)
            settings = settings.model_copy(update={"actions_token": token})
        self.settings = settings
        self.model_path = Path(model_path)
        self.out = out
        self.services: dict[str, Service] = {}
        self.ready_after_s: dict[str, float] = {}  # launch to ready, per service (last start)
        self.started_in_s: float | None = None  # start() until every service was ready
        # Stops the services if this process dies without stop() (SIGKILL, a crash).
        self.watchdog = Watchdog()

    @property
    def var_dir(self) -> Path:
        return Path(self.settings.var_dir)

    @property
    def run_dir(self) -> Path:
        return self.var_dir / "run"

    def _local_url(self, port: int) -> str:
        """Loopback address of one of our ports."""
        return f"http://{self.settings.host}:{port}"

    @property
    def gateway_url(self) -> str:
        return self._local_url(self.settings.gateway_port)

    @property
    def console_url(self) -> str:
        return self._local_url(self.settings.console_port)

    @property
    def backend_url(self) -> str:
        return self._local_url(self.settings.backend_port)

    @property
    def rasa_url(self) -> str:
        return self._local_url(self.settings.rasa_port)

    @property
    def actions_url(self) -> str:
        return self._local_url(self.settings.actions_port)

    def log_path(self, service: str) -> Path:
        """Where a service's output goes."""
        if service in self.services:
            return self.services[service].log_path
        return self._build(service, self.settings).log_path

    def telegram_off_reason(self, settings: Settings | None = None) -> str | None:
        """Why the Telegram bridge stays off, or None when it can run."""
        from bot.channels.telegram import telegram_status

        return telegram_status(settings or self.settings)

    def start(self) -> None:
        """Start every service at once (the bridge after the gateway); all ready, or none left running."""
        # Data, logs and secrets are this user's only (files written before were 0644).
        private_dir(self.var_dir / "log")
        tighten_tree(self.var_dir)
        leftovers.stop_all(self.run_dir, self.out)
        total = len(SERVICE_ORDER)
        steps: dict[str, str] = {}
        for number, name in enumerate(SERVICE_ORDER, start=1):
            if name == "telegram" and (reason := self.telegram_off_reason()):
                self.out(f"[{number}/{total}] telegram: {reason}")
                continue
            steps[name] = f"[{number}/{total}] "
        started = time.monotonic()
        try:
            self._start_together(steps)
        except BaseException:
            self.stop()
            raise
        self.started_in_s = round(time.monotonic() - started, 2)

    def _start_together(self, steps: dict[str, str]) -> None:
        """Launch every named service whose STARTS_AFTER are ready; poll all until each is ready."""
        waiting = [name for name in SERVICE_ORDER if name in steps]  # not launched yet
        starting: dict[str, float] = {}  # launched, not ready yet: name -> launch time
        report_at: dict[str, float] = {}  # when to say "still starting" next
        ready: set[str] = set()
        while waiting or starting:
            for name in list(waiting):
                if all(before in ready or before not in steps for before in STARTS_AFTER.get(name, ())):
                    waiting.remove(name)
                    self._launch(name, self.settings, steps[name])
                    starting[name] = time.monotonic()
                    report_at[name] = starting[name] + PROGRESS_EVERY_S
            for name, launched in list(starting.items()):
                service = self.services[name]
                try:
                    if check_ready(service, launched):
                        del starting[name]
                        ready.add(name)
                        self._ready(name, launched, steps[name])
                except ServiceFailed as failure:
                    self._fail(failure)
            now = time.monotonic()
            for name, launched in starting.items():
                if now >= report_at[name]:
                    self.out(f"{steps[name]}{name}: still starting, {now - launched:.0f} s")
                    report_at[name] += PROGRESS_EVERY_S
            if starting:
                time.sleep(POLL_S)

    def start_service(self, name: str, _step: str = "", **overrides) -> None:
        """Start one service (again) and wait until it is ready; overrides change its settings."""
        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        started = time.monotonic()
        service = self._launch(name, settings, _step)
        try:
            wait_until_ready(service, lambda s: self.out(f"{_step}{name}: still starting, {s:.0f} s"))
        except ServiceFailed as failure:
            self._fail(failure)
        except BaseException:
            self.stop_service(name)
            raise
        self._ready(name, started, _step)

    def _launch(self, name: str, settings: Settings, step: str) -> Service:
        """Build and launch one service without waiting for it; a launcher error is a StackError."""
        if name in self.services:
            raise StackError(f"{name} is already running")
        service = self._build(name, settings)
        self.out(f"{step}{name}: starting{f' ({service.note})' if service.note else ''}, log {service.log_path}")
        self.services[name] = service
        try:
            service.launch()
            self._guard(service)
        except ServiceFailed as failure:
            self._fail(failure)
        except Exception as error:  # the launcher itself raised (missing binary, bad config)
            self._fail(ServiceFailed(service, f"could not start: {error}"))
        except BaseException:
            self.stop_service(name)
            raise
        return service

    def _ready(self, name: str, launched: float, step: str) -> None:
        """Note and report that a service became ready."""
        self.ready_after_s[name] = round(time.monotonic() - launched, 2)
        self.out(f"{step}{name}: ready after {self.ready_after_s[name]:.1f} s")

    def _fail(self, failure: ServiceFailed) -> None:
        """Report why a service failed with the end of its log, stop it, raise StackError."""
        self._report_failure(failure)
        self.stop_service(failure.service.name)
        raise StackError(str(failure)) from None

    def _report_failure(self, failure: ServiceFailed) -> None:
        """Print why a service failed and the end of its log."""
        self.out(f"{failure.service.name} failed: {failure.reason}")
        self.out(f"last lines of {failure.service.log_path}:\n{failure.service.log_tail()}")

    def stop_service(self, name: str) -> None:
        """Stop one service (no-op when it is not running)."""
        service = self.services.pop(name, None)
        if service is not None:
            self.out(f"stopping {name} ...")
            service.stop()
            if service.pid is not None:
                self.watchdog.unwatch(service.pid)
            leftovers.forget(self.run_dir, name)

    def _guard(self, service: Service) -> None:
        """Record a started service as ours and have the watchdog stop it should we die."""
        if service.pid is not None:
            leftovers.record(self.run_dir, service.name, service.pid)
            self.watchdog.watch(service.pid)

    def stop(self) -> None:
        """Stop every running service in reverse start order."""
        for name in reversed(SERVICE_ORDER):
            self.stop_service(name)
        for name in list(self.services):  # any not in SERVICE_ORDER
            self.stop_service(name)
        self.watchdog.close()

    def dead_services(self) -> list[Service]:
        """Services that were started and have since exited."""
        return [service for service in self.services.values() if not service.is_running()]

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _build(self, name: str, settings: Settings) -> Service:
        """The service definition for one name."""
        log = self.var_dir / "log" / f"{name}.log"
        env = child_env(settings)
        if name != "gateway":
            # Only the gateway turns client ids into conversation ids; nobody else needs the key.
            env.pop(KEY_VARIABLE, None)
        if name not in ("actions", "rasa"):
            # Only Rasa calls the action server: nobody else may run actions.
            env.pop(ACTIONS_TOKEN_VARIABLE, None)
        local = self._local_url
        if name == "clamd":
            return ClamdService(settings)
        if name == "backend":
            command = [APP_PYTHON, "-m", "bot.backend"]
            return ProcessService(name, command, env, log, lambda: http_ok(f"{local(settings.backend_port)}/health"))
        if name == "actions":
            command = [APP_PYTHON, "-m", "actions", "--port", settings.actions_port]
            env["SANIC_HOST"] = settings.host  # rasa_sdk binds 0.0.0.0 without it
            return ProcessService(name, command, env, log, lambda: http_ok(f"{local(settings.actions_port)}/health"))
        if name == "rasa":
            return self._build_rasa(settings, env, log)
        if name == "gateway":
            command = [APP_PYTHON, "-m", "bot.gateway"]
            return ProcessService(name, command, env, log, lambda: http_ok(f"{local(settings.gateway_port)}/health"))
        if name == "console":
            command = [APP_PYTHON, "-m", "bot.console", "serve"]
            return ProcessService(name, command, env, log, lambda: http_ok(f"{local(settings.console_port)}/health"))
        if name == "telegram":
            command = [APP_PYTHON, "-m", "bot.channels.telegram"]
            ready = f"{local(settings.telegram_health_port)}/health/ready"
            return ProcessService(name, command, env, log, lambda: http_ok(ready))
        raise StackError(f"unknown service {name!r}; known: {', '.join(SERVICE_ORDER)}")

    def _build_rasa(self, settings: Settings, env: dict[str, str], log: Path) -> Service:
        """Rasa serving our model, talking to our action server, with a SQLite tracker store."""
        command = [
            RASA_PYTHON, RASA_LAUNCHER, "run", "--model", self.model_path,
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
            # Keeps message texts (personal data) out of Rasa's log; see the file.
            "--logging-config-file", "deploy/rasa/logging.yml",
            "--port", settings.rasa_port, "--interface", settings.host,
            # The HTTP API (status, trackers, model) answers only with ?token=INTAKE_RASA_TOKEN;
            # the launcher passes --auth-token from the environment, never on argv.
            "--enable-api",
        ]  # fmt: skip
        env.update(rasa_env())
        env["INTAKE_ACTIONS_URL"] = f"{self._local_url(settings.actions_port)}/webhook"
        env["INTAKE_TRACKER_DB"] = str(self.var_dir / "tracker.sqlite3")
        return ProcessService(
            "rasa", command, env, log,
            lambda: rasa_model_loaded(self._local_url(settings.rasa_port), settings.rasa_token),
            start_timeout_s=240.0, note=RASA_NOTE,
        )  # fmt: skip
