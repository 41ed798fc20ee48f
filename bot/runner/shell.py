"""`make shell`: Rasa's own `rasa shell` against the trained model and the running action server.

Rasa needs the project's environment to even start (its HOME under .home-rasa, the
action server's URL and a tracker file for endpoints.yml); this sets them. The shell's
conversations go to a tracker file of their own, removed at the end (test data only).
"""

from __future__ import annotations

import os
import sys

from bot.config import PROJECT_ROOT, get_settings
from bot.runner.environment import ACTIONS_TOKEN_VARIABLE, RASA_BIN, child_env, free_port, rasa_env, stored_secret
from bot.runner.readiness import http_ok
from bot.runner.training import TrainingError, ensure_model


def shell_command(model, port: int) -> list[str]:
    return [str(RASA_BIN), "shell", "--model", str(model), "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml", "--port", str(port),
            "--logging-config-file", "deploy/rasa/logging.yml"]


def main() -> int:
    settings = get_settings()
    actions_url = f"http://{settings.host}:{settings.actions_port}"
    if not http_ok(f"{actions_url}/health"):
        print(f"make shell: no action server answers on {actions_url}.\n"
              "Start the product first (`make run` in another terminal), then run `make shell` again.")
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
    print(f"make shell: model {model.name}, action server {actions_url}; Ctrl-D or /stop ends it.")
    try:
        os.chdir(PROJECT_ROOT)
        import subprocess

        return subprocess.call(shell_command(model, free_port(settings.host)), env=env)
    finally:
        tracker.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
