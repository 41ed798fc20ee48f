"""Rasa's own data check (`rasa data validate --fail-on-warnings`), its warnings put into staff words.

Rasa warns that responses sent only by our action code are "not used in any story or
rule". We do not silence Rasa: we read every warning and accept exactly that one kind,
and only for responses the action code provably sends (``responses.is_referenced_by_code``).
Every other warning, and any error, is a problem.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from bot.runner.environment import RASA_BIN, RASA_PYTHON, RASA_TRAIN_LAUNCHER, rasa_env
from bot.staffcheck.project import Project, normalise
from bot.staffcheck.report import Problem
from bot.staffcheck.responses import is_referenced_by_code

COMMAND = ("data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml", "--fail-on-warnings")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WARNING_LINE = re.compile(r"UserWarning: (.*)$")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+(WARNING|ERROR)\s+(\S+)\s+-\s+(.*)$")
UNUSED_RESPONSE = re.compile(r"The utterance '([^']+)' is not used in any story or rule\.")
INTENT_WITHOUT_EXAMPLES = re.compile(r"The intent '([^']+)' is listed in the domain file, but is not found in the NLU")
EXAMPLE_INTENT_UNKNOWN = re.compile(r"labeled with intent '([^']+)'\. This intent is not listed in your domain")
EXAMPLE_TWICE = re.compile(r"The example '(.*)' was found labeled with multiple different intents.*labeled with: (.*)\.$")
INTENT_UNUSED = re.compile(r"The intent '([^']+)' is not used in any story or rule\.")
RASA_LOG_NOISE = ("rasa.utils.tensorflow", "absl", "tensorflow")


@dataclass
class RasaRun:
    returncode: int
    output: str


def rasa_validate_command() -> list[str]:
    """`rasa data validate` through the product's Rasa launcher (deploy/rasa/rasa_train.py: Rasa
    without TensorFlow's import, which the check never used; the same warnings, ~3 CPU s less),
    or Rasa's own command without it."""
    if RASA_TRAIN_LAUNCHER.exists():
        return [str(RASA_PYTHON), str(RASA_TRAIN_LAUNCHER), *COMMAND]
    return [str(RASA_BIN), *COMMAND]


def run_rasa_validate(project: Project, timeout_s: float = 600) -> RasaRun:
    """Run Rasa's validator on the project (about 10-30 s)."""
    result = subprocess.run(
        rasa_validate_command(), cwd=project.root, env={**os.environ, **rasa_env()},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout_s,
    )
    return RasaRun(result.returncode, ANSI.sub("", result.stdout))


def rasa_messages(output: str) -> list[str]:
    """Every warning Rasa printed about the data (UserWarnings and WARNING/ERROR log lines)."""
    messages = []
    for line in output.splitlines():
        found = WARNING_LINE.search(line)
        if found:
            messages.append(found.group(1).strip())
            continue
        logged = LOG_LINE.match(line)
        if logged and not logged.group(2).startswith(RASA_LOG_NOISE):
            messages.append(logged.group(3).strip())
    return messages


def _example_location(project: Project, text: str) -> tuple[str, int]:
    """File and line of the first training example with this text."""
    for example in project.examples:
        if normalise(example.text) == normalise(text):
            return example.file, example.line
    return "data/nlu/", 0


def _intent_location(project: Project, intent: str) -> tuple[str, int]:
    return project.domain.intents.get(intent, ("domain/core.yml", 0))


def translate(project: Project, message: str) -> Problem | None:
    """A Rasa warning as a staff-readable problem; None when it is the accepted kind."""
    if m := UNUSED_RESPONSE.search(message):
        name = m.group(1)
        if is_referenced_by_code(project, name):
            return None
        response = project.domain.responses.get(name)
        return Problem(response.file if response else "domain/", line=response.line if response else 0,
                       name=f"response '{name}'",
                       what="no rule, story or action ever sends this response",
                       fix="delete it, or add it to a rule in data/rules/ (or ask a developer if an action should send it)")
    if m := INTENT_WITHOUT_EXAMPLES.search(message):
        file, line = _intent_location(project, m.group(1))
        return Problem(file, line=line, name=f"intent '{m.group(1)}'", what="has no training examples at all",
                       fix="add example sentences in data/nlu/de/ and data/nlu/en/, or remove the intent")
    if m := EXAMPLE_INTENT_UNKNOWN.search(message):
        example = next((e for e in project.examples if e.intent == m.group(1)), None)
        return Problem(example.file if example else "data/nlu/", line=example.line if example else 0,
                       name=f"intent '{m.group(1)}'", what="has training examples but is not listed in domain/core.yml",
                       fix=f"add '- {m.group(1)}' under 'intents:' in domain/core.yml, or correct the intent name")
    if m := EXAMPLE_TWICE.search(message):
        file, line = _example_location(project, m.group(1))
        return Problem(file, line=line, name=f"example '{m.group(1)}'",
                       what=f"is written under several intents ({m.group(2)})",
                       fix="keep it under the one intent it belongs to")
    if m := INTENT_UNUSED.search(message):
        file, line = _intent_location(project, m.group(1))
        return Problem(file, line=line, name=f"intent '{m.group(1)}'", what="no rule or story uses this intent",
                       fix=f"add a rule for '{m.group(1)}' in data/rules/, or remove the intent")
    return Problem("(Rasa's data check)", what=f"Rasa reports: {message}",
                   fix="correct the file Rasa names; if the message is unclear, ask a developer")


def interpret(project: Project, run: RasaRun) -> tuple[list[Problem], list[str]]:
    """Problems and notes from one Rasa run: translated warnings, plus a failure with no warning (e.g. bad YAML)."""
    problems, accepted = [], 0
    for message in rasa_messages(run.output):
        problem = translate(project, message)
        if problem is None:
            accepted += 1
        elif problem not in problems:
            problems.append(problem)
    if run.returncode != 0 and not problems:
        tail = [line for line in run.output.splitlines() if line.strip()][-4:]
        problems.append(Problem("(Rasa's data check)", what="Rasa could not read the data: " + " | ".join(tail),
                                fix="correct the file and line named in the message (often an indentation or quoting mistake)"))
    notes = [f"{accepted} response(s) sent only by the action code were accepted (Rasa says 'not used in any story or rule')"] if accepted else []
    return problems, notes
