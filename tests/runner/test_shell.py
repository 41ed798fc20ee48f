"""`make shell`: says what to do without a running product; builds Rasa's command with our files."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import PROJECT_ROOT
from bot.runner.environment import free_port
from bot.runner.shell import shell_command


def test_without_a_running_action_server_it_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update({"INTAKE_VAR_DIR": str(tmp_path), "INTAKE_ACTIONS_PORT": str(free_port())})
    result = subprocess.run([sys.executable, "-m", "bot.runner.shell"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "no action server answers" in result.stdout and "`make run`" in result.stdout


def test_the_shell_uses_the_model_our_endpoints_and_the_quiet_logging(tmp_path):
    command = shell_command(tmp_path / "m.tar.gz", 5999)
    assert command[1] == "shell" and command[command.index("--model") + 1] == str(tmp_path / "m.tar.gz")
    assert command[command.index("--endpoints") + 1] == "endpoints.yml"
    assert command[command.index("--logging-config-file") + 1] == "deploy/rasa/logging.yml"
