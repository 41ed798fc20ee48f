"""One supervised service: how to start it, when it is ready, how to stop it."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings
from bot.safe_start import open_private, private_dir

STOP_TIMEOUT_S = 10.0
POLL_S = 0.2  # readiness poll interval while starting
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the supervisor dies, even by SIGKILL (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the supervisor's own stop() is the only guard


def tail(path: Path, offset: int = 0, lines: int = 30) -> str:
    """The last lines of a log file written since offset."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return "(no log written)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


class Service:
    """Base of a supervised service; subclasses launch and stop the real thing."""

    def __init__(
        self,
        name: str,
        log_path: Path,
        ready: Callable[[], bool],
        start_timeout_s: float = 60.0,
        note: str = "",
        settle_s: float = 0.0,
    ) -> None:
        self.name = name
        self.log_path = log_path
        self.ready = ready
        self.start_timeout_s = start_timeout_s
        self.note = note  # told to the user while it starts, e.g. why it is slow
        self.settle_s = settle_s  # must stay alive this long before it counts as ready
        self.log_offset = 0

    def launch(self) -> None:
        """Start without waiting for readiness."""
        raise NotImplementedError

    def is_running(self) -> bool:
        """True while the service's process is alive."""
        raise NotImplementedError

    @property
    def pid(self) -> int | None:
        """Pid of the service's main process, also its process group (None before launch)."""
        return None

    def exit_description(self) -> str:
        """How the service ended, for messages."""
        return "it stopped"

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop it and everything it started."""
        raise NotImplementedError

    def log_tail(self, lines: int = 30) -> str:
        """What it logged since this start."""
        return tail(self.log_path, self.log_offset, lines)

    def _mark_log(self, what: str) -> None:
        """Note the start in the log, and where this run's lines begin."""
        private_dir(self.log_path.parent)
        with open_private(self.log_path, "a") as log:
            self.log_offset = log.tell()
            log.write(f"--- {datetime.now().isoformat(timespec='seconds')} starting {what}\n")


class ProcessService(Service):
    """A child process in its own process group, logging to a file."""

    def __init__(
        self,
        name: str,
        command: Sequence[str | os.PathLike],
        env: dict[str, str],
        log_path: Path,
        ready: Callable[[], bool],
        cwd: Path = PROJECT_ROOT,
        **options,
    ) -> None:
        super().__init__(name, log_path, ready, **options)
        self.command = [str(part) for part in command]
        self.env = env
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def launch(self) -> None:
        """Start the process; its output goes to the log file."""
        self._mark_log(" ".join(self.command))
        with open_private(self.log_path, "ab") as log:
            # Own session: a Ctrl-C in the terminal reaches only the supervisor, which
            # then stops the services in reverse order instead of all at once.
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
                umask=0o077,  # var/ files 0600, directories 0700, whatever the service forgets
            )

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def is_running(self) -> bool:
        """True while the process has not exited."""
        return self.process is not None and self.process.poll() is None

    def exit_description(self) -> str:
        """Exit code or signal of the finished process."""
        code = self.process.poll() if self.process else None
        if code is None:
            return "it is still running"
        if code < 0:
            return f"it was killed by signal {signal.Signals(-code).name}"
        return f"it exited with code {code}"

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM to the process group, SIGKILL after the timeout; reap everything."""
        if self.process is None:
            return
        group = self.process.pid
        self._signal_group(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self._signal_group(group, signal.SIGKILL)
            self.process.wait()
        # Workers the service forked (Sanic) must not outlive it.
        self._signal_group(group, signal.SIGKILL)

    @staticmethod
    def _signal_group(group: int, signum: int) -> None:
        """Signal a whole process group if any member is left."""
        try:
            os.killpg(group, signum)
        except (ProcessLookupError, PermissionError):
            pass


class ClamdService(Service):
    """clamd, started and stopped by bot.scanning.clamd_process.ClamdProcess (it logs to var/run/).

    Launched without waiting: it is ready when it answers PING (with a real signature
    database that takes seconds, which the other services use to start meanwhile).
    """

    def __init__(self, settings: Settings) -> None:
        from bot.scanning.clamd_process import ClamdProcess

        self.process = ClamdProcess.from_settings(settings)
        self.process.preexec_fn = _die_with_parent
        self.answered = False  # answered PING once since this launch
        super().__init__("clamd", self.process.log_path, self._answers, start_timeout_s=60.0)

    def launch(self) -> None:
        """Start clamd with our own config, socket and signatures; readiness is polled after."""
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.answered = False
        self.process.start(wait=False)

    def _answers(self) -> bool:
        """True once clamd answers PING on our socket."""
        from bot.scanning.clamd_process import ping

        if self.process.pid is None or not ping(self.process.socket_path):
            return False
        if not self.answered:
            self.answered = True
            self.process.private_pid_file()
        return True

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def is_running(self) -> bool:
        """While starting: the process is alive; once it answered: alive and answering PING."""
        if self.process.pid is None:
            return False
        return self.process.is_running() if self.answered else True

    def exit_description(self) -> str:
        """Exit code of clamd, or that it stopped answering."""
        code = self.process.returncode
        if code is None:
            return "it stopped answering PING"
        return f"it exited with code {code}"

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop clamd."""
        self.process.stop(timeout=timeout_s)


def check_ready(service: Service, started: float, now: float | None = None) -> bool:
    """One readiness poll of a launched service: True when ready; raise when it died or timed out."""
    now = time.monotonic() if now is None else now
    if not service.is_running():
        raise ServiceFailed(service, f"{service.exit_description()} while starting")
    if now - started >= service.settle_s and service.ready():
        return True
    if now - started > service.start_timeout_s:
        raise ServiceFailed(service, f"not ready after {service.start_timeout_s:.0f} s")
    return False


def wait_until_ready(service: Service, progress: Callable[[float], None], every_s: float = 10.0) -> None:
    """Poll readiness; call progress(elapsed) every few seconds; raise when it dies or times out."""
    started = time.monotonic()
    next_report = started + every_s
    while not check_ready(service, started):
        now = time.monotonic()
        if now >= next_report:
            progress(now - started)
            next_report += every_s
        time.sleep(POLL_S)


class ServiceFailed(RuntimeError):
    """A service died or never became ready."""

    def __init__(self, service: Service, reason: str) -> None:
        super().__init__(f"{service.name}: {reason}")
        self.service = service
        self.reason = reason
