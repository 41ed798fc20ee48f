"""`make shell`: says what to do without a running product or without a terminal; builds Rasa's
command with our files; and, on a pseudo-terminal against the running product, answers a
German and an English question and ends on /stop with no process left behind."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

from bot.config import PROJECT_ROOT
from bot.runner.environment import free_port
from bot.runner.shell import shell_command
from tests.runner.processes import processes_with_env


def test_without_a_running_action_server_it_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update({"INTAKE_VAR_DIR": str(tmp_path), "INTAKE_ACTIONS_PORT": str(free_port())})
    result = subprocess.run([sys.executable, "-m", "bot.runner.shell"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "no action server answers" in result.stdout and "`make run`" in result.stdout


def test_the_shell_uses_the_model_our_endpoints_and_the_quiet_logging(tmp_path):
    command = shell_command(tmp_path / "m.tar.gz", 5999)
    assert command[1].endswith("deploy/rasa/rasa_run.py") and command[2] == "shell"  # the launcher's patches
    assert command[command.index("--model") + 1] == str(tmp_path / "m.tar.gz")
    assert command[command.index("--endpoints") + 1] == "endpoints.yml"
    assert command[command.index("--logging-config-file") + 1] == "deploy/rasa/logging.yml"
    assert command[command.index("--interface") + 1] == "127.0.0.1"  # Rasa's default is every interface


def test_without_a_terminal_it_says_so_instead_of_hanging(stack):
    """Piped stdin: Rasa's prompt would wait for a terminal for ever (what hung before)."""
    result = subprocess.run([sys.executable, "-m", "bot.runner.shell"], cwd=PROJECT_ROOT, env=_env_for(stack),
                            input="hallo\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "needs a terminal" in result.stdout and "Public chat API" in result.stdout


def _env_for(stack, **extra) -> dict[str, str]:
    """How an operator's `make shell` finds the running product: its settings (var dir, ports)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update({"INTAKE_VAR_DIR": str(stack.var_dir), "INTAKE_HOST": stack.settings.host,
                "INTAKE_ACTIONS_PORT": str(stack.settings.actions_port), **extra})
    return env


ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][A-Za-z0-9]|[=>])")


class Terminal:
    """A program on a pseudo-terminal: what it wrote (escape codes removed), keys to type."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**env, "TERM": "xterm"},
                                        stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.raw = b""
        self.seen = 0  # how much of the text earlier waits consumed

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", errors="replace")).replace("\r", "")

    def read(self, seconds: float) -> None:
        ready, _, _ = select.select([self.master], [], [], seconds)
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the program closed the terminal
                time.sleep(seconds)
                return
            self.raw += chunk
            for _ in range(chunk.count(b"\x1b[6n")):  # prompt_toolkit asks where the cursor is
                os.write(self.master, b"\x1b[1;1R")

    def wait_for(self, pattern: str, timeout: float) -> str:
        """The text after the last wait, up to and including `pattern` (a regex)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text[self.seen:])
            if match:
                found = self.text[self.seen:self.seen + match.end()]
                self.seen += match.end()
                return found
            if self.process.poll() is not None:
                self.read(0.2)
                if not re.search(pattern, self.text[self.seen:]):
                    break
            self.read(0.5)
        raise AssertionError(f"no {pattern!r} within {timeout:.0f} s (exit {self.process.poll()}); "
                             f"the terminal showed:\n{self.text[-3000:]}")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        os.close(self.master)


PROMPT = r"Your input ->|Type out your own message"


def ask(terminal: Terminal, question: str, expected: str) -> str:
    """Type a question at the prompt (a free-text line even after buttons); the answer shown."""
    terminal.wait_for(PROMPT, 120)
    if "Type out your own message" in terminal.text[terminal.seen - 40:terminal.seen]:
        terminal.type("\x1b[A\r")  # the buttons' last choice (up wraps round), then the text prompt
        terminal.wait_for(r"Your input ->", 30)
    terminal.type(question + "\r")
    return terminal.wait_for(re.escape(expected), 120)


def make_shell(stack, mark: str) -> Terminal:
    command = ["make", "--no-print-directory", "shell"]
    if (PROJECT_ROOT / ".env").exists():  # a developer's .env would point `make` at their own product
        command = [sys.executable, "-m", "bot.runner.shell"]
    return Terminal(command, _env_for(stack, LEA_SHELL_TEST_MARK=mark))


def assert_nothing_left(stack, mark: str) -> None:
    assert processes_with_env("LEA_SHELL_TEST_MARK", mark) == [], "a process of `make shell` outlived it"
    assert not list(stack.var_dir.glob("shell-tracker.sqlite3*")), "the shell's tracker file was left behind"


@pytest.mark.slow
def test_make_shell_answers_in_german_and_english_and_ends_cleanly(stack):
    """`make shell` on a terminal against the running product: two real answers, /stop, nothing left."""
    mark = f"shell-test-{os.getpid()}-{time.time_ns()}"
    terminal = make_shell(stack, mark)
    try:
        terminal.wait_for(r"Bot loaded\. Type a message", 300)
        english = ask(terminal, "how much r the fees", "EUR 96")
        assert "EUR 100" in english, english
        german = ask(terminal, "Wie bekomme ich einen Termin bei euch?", "99-2422")
        assert "nur mit Termin" in german, german
        terminal.wait_for(PROMPT, 120)
        if "Type out your own message" in terminal.text[terminal.seen - 40:terminal.seen]:
            terminal.type("\x1b[A\r")
            terminal.wait_for(r"Your input ->", 30)
        terminal.type("/stop\r")
        assert terminal.process.wait(timeout=60) == 0, terminal.text[-2000:]
    finally:
        terminal.close()
    assert_nothing_left(stack, mark)


@pytest.mark.slow
def test_ctrl_d_ends_make_shell(stack):
    """Rasa 3.6's console let Ctrl-D's EOFError escape and its server ran on (the shell hung);
    the launcher reads it as /stop."""
    mark = f"shell-eof-{os.getpid()}-{time.time_ns()}"
    terminal = make_shell(stack, mark)
    try:
        terminal.wait_for(r"Bot loaded\. Type a message", 300)
        terminal.wait_for(r"Your input ->", 60)
        time.sleep(0.5)
        terminal.type("\x04")
        assert terminal.process.wait(timeout=60) == 0, terminal.text[-2000:]
        assert "EOFError" not in terminal.text
    finally:
        terminal.close()
    assert_nothing_left(stack, mark)
