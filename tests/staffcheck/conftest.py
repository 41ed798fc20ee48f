"""Fixtures of the staff-check tests: a throwaway copy of the project to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.staffcheck.project import Project

COPIED = ("domain", "data", "content", "actions")


class ProjectCopy:
    """A copy of domain/, data/, content/, actions/ and config.yml, with helpers to introduce one mistake."""

    def __init__(self, root: Path):
        self.root = root
        for name in COPIED:
            shutil.copytree(PROJECT_ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(PROJECT_ROOT / "config.yml", root / "config.yml")

    def replace(self, relative: str, old: str, new: str) -> None:
        """Replace one exact, unique piece of a file (fails loudly if the data changed)."""
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{relative}: expected exactly one {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def add_intent(self, name: str) -> None:
        """List one more intent in domain/core.yml (after 'greet')."""
        self.replace("domain/core.yml", "  - greet\n", f"  - greet\n  - {name}\n")

    def project(self) -> Project:
        return Project(self.root)


@pytest.fixture
def copy(tmp_path: Path) -> ProjectCopy:
    return ProjectCopy(tmp_path / "project")


def nlu_file(intent: str, examples: list[str]) -> str:
    """A Rasa NLU file with one intent."""
    lines = "\n".join(f"    - {e}" for e in examples)
    return f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n{lines}\n'


def rule_file(title: str, intent: str, action: str) -> str:
    """A rules file with one rule: intent -> action."""
    return (f'version: "3.1"\nrules:\n- rule: {title}\n  steps:\n  - intent: {intent}\n'
            f"  - action: {action}\n")


def response_block(name: str, de: str, en: str, extra: str = "") -> str:
    """A response with a German and an English variation (``extra`` is appended as more YAML)."""
    return (f"  {name}:\n"
            f"  - condition:\n    - type: slot\n      name: language\n      value: de\n    text: \"{de}\"\n"
            f"  - condition:\n    - type: slot\n      name: language\n      value: en\n    text: \"{en}\"\n{extra}")


_BASELINE: dict = {}


def introduced(check, copy: ProjectCopy, *args) -> list:
    """Problems the check finds in the broken copy that it does not find in the real project."""
    key = (check, args)
    if key not in _BASELINE:
        _BASELINE[key] = set(check(Project(PROJECT_ROOT), *args))
    return [p for p in check(copy.project(), *args) if p not in _BASELINE[key]]
