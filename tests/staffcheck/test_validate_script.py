"""scripts/validate.py as staff run it: readable lines, exit codes, broken YAML."""

from __future__ import annotations

import subprocess
import sys

from bot.config import PROJECT_ROOT
from bot.staffcheck import Options, run_checks

SCRIPT = PROJECT_ROOT / "scripts" / "validate.py"


def validate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_a_mistake_fails_with_one_readable_line(copy):
    copy.replace("content/routing.yml", "  - id: a-vietnam\n    unit: A3\n", "  - id: a-vietnam\n    unit: A33\n")
    result = validate("--quick", "--only", "routing,responses", "--project", str(copy.root))
    assert result.returncode == 1
    assert "PROBLEM  the routing rules load: 1 problem" in result.stdout
    assert "  - content/routing.yml: rule 'a-vietnam'" in result.stdout
    assert result.stdout.strip().endswith("1 of 2 checks passed, 1 problem")


def test_passing_checks_exit_zero(copy):
    result = validate("--quick", "--only", "routing,responses", "--project", str(copy.root))
    assert result.returncode == 0, result.stdout
    assert "2 of 2 checks passed, 0 problems" in result.stdout


def test_unknown_check_id_is_refused():
    result = validate("--only", "spelling")
    assert result.returncode == 2 and "unknown check id(s) spelling" in result.stdout


def test_broken_yaml_names_file_and_line(copy):
    copy.replace("data/nlu/en/general.yml", "- intent: greet\n", "- intent: greet\n  bad: [unclosed\n")
    results = run_checks(copy.project(), Options(with_rasa=False), {"examples", "duplicates", "knowledge"})
    broken = {r.check: r.problems for r in results}
    assert broken["examples"][0].file == "data/nlu/en/general.yml"
    assert broken["examples"][0].line > 0 and "not valid YAML" in broken["examples"][0].what
    assert broken["knowledge"] == []  # other checks still run
