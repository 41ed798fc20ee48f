"""`make shell`: Rasa's own `rasa shell` against the trained model and the running action server.

Rasa needs the project's environment to even start (its HOME under .home-rasa, the
action server's URL and a tracker file for endpoints.yml); this sets them. The shell's
conversations go to a tracker file of their own, removed at the end (test data only).
It finds the running product the way `make run` starts it: the same settings (.env,
INTAKE_*), so the action server's address and the token in var/secrets.env.

`rasa shell` needs a terminal (its prompt is prompt_toolkit's). Its own server listens on
a free port of INTAKE_HOST (127.0.0.1), not on every interface as Rasa's default would,
and dies with this process. Ctrl-C, Ctrl-D or /stop end it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from bot.config import PROJECT_ROOT, get_settings
from bot.runner.environment import (
    ACTIONS_TOKEN_VARIABLE, RASA_LAUNCHER, RASA_PYTHON, child_env, free_port, rasa_env, stored_secret,
)
from bot.runner.readiness import http_ok
from bot.runner.services import _die_with_parent
from bot.runner.training import TrainingError, ensure_model


def shell_command(model, port: int, host: str = "127.0.0.1") -> list[str]:
    """`rasa shell` through the project's launcher (deploy/rasa/rasa_run.py: Ctrl-D ends it,
    files it writes are private, the action token stays in the environment)."""
    return [str(RASA_PYTHON), str(RASA_LAUNCHER), "shell", "--model", str(model), "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml", "--port", str(port), "--interface", host,
            "--logging-config-file", "deploy/rasa/logging.yml"]


def main() -> int:
    settings = get_settings()
    actions_url = f"http://{settings.host}:{settings.actions_port}"
    if not http_ok(f"{actions_url}/health"):
        print(f"make shell: no action server answers on {actions_url}.\n"
              "Start the product first (`make run` in another terminal), then run `make shell` again.")
        return 1
    if not sys.stdin.isatty():
        print("make shell: needs a terminal (Rasa's prompt reads the keyboard); to script a "
              "conversation, use the public chat API of `make run` (README, \"Public chat API\").")
        return 1
    try:
        model = ensure_model(log=print)
    except TrainingError as error:
        print(f"make shell: could not train the model: {error}")
        return 1
    tracker = settings.var_dir / "shell-tracker.sqlite3"
    # The running action server answers only with the token `make run` generated (endpoints.yml).
    actions_token = settings.actions_token or stored_secret(settings.var_dir, ACTIONS_TOKEN_VARIABLE)
    env = child_env(settings, {**rasa_env(), "INTAKE_ACTIONS_URL": f"{actions_url}/webhook",
                               "INTAKE_TRACKER_DB": str(tracker), ACTIONS_TOKEN_VARIABLE: actions_token})
    print(f"make shell: model {model.name}, action server {actions_url}; loading takes up to a minute; "
          "Ctrl-D or /stop ends it.", flush=True)
    os.chdir(PROJECT_ROOT)
    # Ctrl-C reaches Rasa from the terminal; here it only waits for Rasa to end, so the
    # tracker file is removed after Rasa closed it (no traceback, no Rasa left behind).
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):  # killed or the terminal closed: stop Rasa, clean up
        signal.signal(number, _exit_on)
    try:
        rasa = subprocess.Popen(shell_command(model, free_port(settings.host), settings.host), env=env,
                                preexec_fn=_restore_sigint_and_die_with_parent)
        try:
            code = rasa.wait()
        finally:
            if rasa.poll() is None:  # this process is ending otherwise (SIGTERM, SIGHUP)
                rasa.terminate()
                rasa.wait(timeout=30)
        return 0 if code in (0, -signal.SIGINT, 128 + signal.SIGINT) else code
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for leftover in (tracker, tracker.with_name(tracker.name + "-wal"), tracker.with_name(tracker.name + "-shm")):
            leftover.unlink(missing_ok=True)


def _exit_on(number: int, _frame) -> None:
    raise SystemExit(128 + number)


def _restore_sigint_and_die_with_parent() -> None:
    """In Rasa's process: Ctrl-C works again (ignored only in this waiting parent), and SIGTERM
    comes when this process dies, however it dies."""
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    _die_with_parent()


if __name__ == "__main__":
    sys.exit(main())
