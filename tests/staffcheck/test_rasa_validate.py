"""Rasa's own data check: its warnings in staff words; only action-sent responses are accepted."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.staffcheck import Options, run_checks
from bot.staffcheck.project import Project
from bot.runner.environment import RASA_PYTHON, RASA_TRAIN_LAUNCHER
from bot.staffcheck.rasa_validate import (
    COMMAND, RasaRun, interpret, rasa_messages, rasa_validate_command, run_rasa_validate, translate,
)
from tests.staffcheck.conftest import ProjectCopy, response_block

ORPHAN = response_block("utter_orphan", "Niemand sagt das.", "Nobody says this.")


def warning(message: str) -> str:
    """One warning line the way Rasa 3.6 prints it (colours already stripped)."""
    return f"/x/rasa/shared/utils/io.py:100: UserWarning: {message}\n"


@pytest.fixture(scope="module")
def rasa_on_copy_with_orphan(tmp_path_factory):
    """One real `rasa data validate` run (about 30 s) on a copy with one response nobody sends."""
    copy = ProjectCopy(tmp_path_factory.mktemp("rasa") / "project")
    copy.write("domain/responses_orphan.yml", "version: '3.1'\nresponses:\n" + ORPHAN)
    return copy.project(), run_rasa_validate(copy.project())


def test_real_rasa_run_reports_the_unsent_response_and_accepts_action_sent_ones(rasa_on_copy_with_orphan):
    project, run = rasa_on_copy_with_orphan
    problems, notes = interpret(project, run)
    orphan = [p for p in problems if p.name == "response 'utter_orphan'"]
    assert [(p.file, p.line) for p in orphan] == [("domain/responses_orphan.yml", 3)]
    assert "no rule, story or action ever sends" in orphan[0].what
    # Rasa warned about the responses only actions send, and we accepted them, noted in the report.
    assert "'utter_ask_title_serial' is not used in any story or rule" in run.output
    assert notes and "accepted" in notes[0]
    assert not any(p.name == "response 'utter_ask_title_serial'" for p in problems)


def test_every_other_rasa_warning_fails(copy):
    project = copy.project()
    messages = [
        "The intent 'faq_parking' is listed in the domain file, but is not found in the NLU training data.",
        "There is a message in the training data labeled with intent 'faq_x'. This intent is not listed in your domain.",
        "The example 'Hallo' was found labeled with multiple different intents in the training data. Each annotated "
        "message should only appear with one intent. You should fix that conflict The example is labeled with: greet, thank.",
        "The intent 'thank' is not used in any story or rule.",
        "Something new that Rasa 3.7 might say.",
    ]
    problems, notes = interpret(project, RasaRun(0, "".join(warning(m) for m in messages)))
    assert len(problems) == len(messages) and notes == []
    assert problems[2].file == "data/nlu/de/general.yml" and problems[2].line == 6
    assert problems[4].what == "Rasa reports: Something new that Rasa 3.7 might say."


def test_accepted_kind_only_for_responses_the_code_sends(copy):
    project = copy.project()
    assert translate(project, "The utterance 'utter_menu' is not used in any story or rule.") is None
    assert translate(project, "The utterance 'utter_orphan' is not used in any story or rule.") is not None


def test_a_failed_run_without_warnings_is_a_problem(copy):
    output = "YamlSyntaxException: Failed to read 'data/nlu/de/faq.yml'. mapping values are not allowed (line 5, column 9)\n"
    problems, _ = interpret(copy.project(), RasaRun(1, output))
    assert len(problems) == 1 and "data/nlu/de/faq.yml" in problems[0].what


def test_log_lines_of_rasa_count_as_warnings():
    output = ("2026-01-01 10:00:00 WARNING  rasa.validator  - Story structure conflict after intent 'greet'\n"
              "2026-01-01 10:00:00 INFO     rasa.validator  - Validating intents...\n")
    assert rasa_messages(output) == ["Story structure conflict after intent 'greet'"]


def test_real_project_data_passes_every_check(rasa_on_copy_with_orphan):
    project, run = rasa_on_copy_with_orphan
    rasa_problems = [p for p in interpret(project, run)[0] if p.name != "response 'utter_orphan'"]
    results = run_checks(Project(PROJECT_ROOT), Options(with_rasa=False))
    open_problems = [str(p) for p in rasa_problems] + [str(p) for r in results for p in r.problems]
    assert open_problems == []


def test_rasa_validate_runs_through_the_launcher_without_tensorflow():
    """deploy/rasa/rasa_train.py defers TensorFlow's import for any Rasa command (same warnings)."""
    assert rasa_validate_command() == [str(RASA_PYTHON), str(RASA_TRAIN_LAUNCHER), *COMMAND]
