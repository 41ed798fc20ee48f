"""`python -m bot.runner`: train if needed, start every service, stop all on Ctrl-C.

This is what `make run` ends with. Settings come from INTAKE_* variables (see
.env.example); without any, everything runs on loopback with files under var/.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from bot.config import get_settings
from bot.runner.environment import generated_secrets, metrics_token
from bot.safe_start import private_files
from bot.runner.supervisor import Stack, StackError
from bot.runner.training import TrainingError, ensure_model

WATCH_INTERVAL_S = 1.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Shutdown(BaseException):
    """SIGTERM or SIGINT arrived: stop everything (BaseException: no `except Exception` swallows it)."""


def _raise_shutdown(signum, _frame) -> None:
    """Turn a stop signal into an exception so `finally` blocks run."""
    raise Shutdown(signal.Signals(signum).name)


def say(line: str) -> None:
    """Progress output, flushed at once (make may not give us a terminal).

    A closed output (`make run | tee` whose tee died first at Ctrl-C) must not stop
    the shutdown halfway: the lines are dropped instead.
    """
    try:
        print(line, flush=True)
    except (BrokenPipeError, ValueError, OSError):
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass


def watch(stack: Stack) -> int:
    """Wait until a signal arrives or a service dies; the exit code to end with."""
    while True:
        time.sleep(WATCH_INTERVAL_S)
        for service in stack.dead_services():
            say(f"{service.name} stopped unexpectedly: {service.exit_description()}")
            say(f"last lines of {service.log_path}:\n{service.log_tail()}")
            return 1


def main() -> int:
    """Run the stack until Ctrl-C; non-zero exit when something failed."""
    # SIGHUP: the terminal was closed; stop in order like on Ctrl-C.
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_shutdown)
    private_files()  # var/ (data, logs, secrets) is this user's only: 0600 files, 0700 directories
    settings = get_settings()
    stack = None
    try:
        model = ensure_model(log=say)
        secrets = generated_secrets(settings.var_dir)
        settings = settings.model_copy(update={
            "internal_token": secrets["INTAKE_INTERNAL_TOKEN"], "rasa_token": secrets["INTAKE_RASA_TOKEN"],
            "metrics_token": metrics_token(settings.var_dir)})
        stack = Stack(settings, model, out=say)
        started = time.monotonic()
        stack.start()
        say(f"\nAll services ready after {time.monotonic() - started:.0f} s.")
        say(f"Web chat: {settings.public_url}/   (Ctrl-C stops everything)")
        say(f"Staff console: {stack.console_url}/   (accounts: python -m bot.console users add --help)\n")
        return watch(stack)
    except Shutdown as reason:
        say(f"\n{reason}: stopping ...")
        return 0
    except (StackError, TrainingError) as error:
        say(f"could not start: {error}")
        return 1
    finally:
        # A second Ctrl-C must not interrupt the orderly stop (each stop has a timeout).
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        if stack is not None:
            stack.stop()
            say("all services stopped.")


if __name__ == "__main__":
    sys.exit(main())
