"""The project's data files as the checks see them: parsed YAML that remembers line numbers.

Every check reads through ``Project`` so it can name the file and line of a problem;
a project is any directory with ``domain/``, ``data/``, ``content/`` and ``actions/``
(the real checkout, or a copy with a deliberate mistake in the tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

LANGUAGES = ("de", "en")


class LineMap(dict):
    """A YAML mapping that knows the line of each key (1-based) and of each value."""

    line: int = 0
    key_lines: dict
    value_lines: dict


class LineList(list):
    """A YAML sequence that knows the line of each item (1-based)."""

    line: int = 0
    item_lines: list


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader whose mappings and sequences carry line numbers."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = LineMap()
    yield data
    data.update(loader.construct_mapping(node, deep=True))
    data.line = node.start_mark.line + 1
    data.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    data.value_lines = {k.value: v.start_mark.line + 1 for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode):
    data = LineList()
    yield data
    data.extend(loader.construct_sequence(node, deep=True))
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class DataFileError(ValueError):
    """A data file is not valid YAML; carries the file, the line and the parser's complaint."""

    def __init__(self, file: str, line: int, problem: str):
        super().__init__(f"{file}:{line}: this file is not valid YAML ({problem})")
        self.file, self.line, self.problem = file, line, problem


def load_yaml(path: Path, root: Path) -> Any:
    """Parse one YAML file with line numbers; a syntax error becomes a DataFileError."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataFileError(path.relative_to(root).as_posix(), mark.line + 1 if mark else 0, problem) from exc


def line_of(container: Any, key: Any, default: int = 0) -> int:
    """Line of a key in a LineMap or an index in a LineList, else ``default``."""
    if isinstance(container, LineMap):
        return container.key_lines.get(key, container.line or default)
    if isinstance(container, LineList) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return default


@dataclass(frozen=True)
class Example:
    intent: str
    text: str
    language: str
    file: str
    line: int


@dataclass(frozen=True)
class Response:
    name: str
    variations: list
    file: str
    line: int


@dataclass(frozen=True)
class Step:
    """One intent or action mentioned in a rule or story."""

    kind: str  # "intent" or "action"
    name: str
    block: str  # the rule's or story's title
    file: str
    line: int


@dataclass
class Domain:
    intents: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (file, line)
    actions: dict[str, tuple[str, int]] = field(default_factory=dict)
    forms: dict[str, tuple[str, int]] = field(default_factory=dict)
    responses: dict[str, Response] = field(default_factory=dict)


class Project:
    """Read-only view of one checkout's domain, training data, content and action code."""

    def __init__(self, root: Path = PROJECT_ROOT):
        self.root = Path(root)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def yaml_files(self, folder: str) -> list[Path]:
        base = self.root / folder
        return sorted(p for p in base.rglob("*") if p.suffix in (".yml", ".yaml")) if base.is_dir() else []

    def load(self, path: Path) -> Any:
        return load_yaml(path, self.root)

    @cached_property
    def domain(self) -> Domain:
        """Intents, actions, forms and responses merged from every file of domain/."""
        domain = Domain()
        for path in self.yaml_files("domain"):
            data = self.load(path) or {}
            where = self.rel(path)
            intents = data.get("intents") or []
            for i, item in enumerate(intents):
                name = next(iter(item)) if isinstance(item, dict) else str(item)
                domain.intents[name] = (where, line_of(intents, i))
            actions = data.get("actions") or []
            for i, name in enumerate(actions):
                domain.actions[str(name)] = (where, line_of(actions, i))
            forms = data.get("forms") or {}
            for name in forms:
                domain.forms[name] = (where, line_of(forms, name))
            responses = data.get("responses") or {}
            for name, variations in responses.items():
                domain.responses[name] = Response(name, variations or [], where, line_of(responses, name))
        return domain

    @cached_property
    def examples(self) -> list[Example]:
        """Every NLU example of data/nlu/<language>/, with its file and line."""
        found = []
        for language in LANGUAGES:
            for path in self.yaml_files(f"data/nlu/{language}"):
                found.extend(self._examples_of(path, language))
        return found

    def _examples_of(self, path: Path, language: str) -> list[Example]:
        data = self.load(path) or {}
        found = []
        for block in data.get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue
            first = block.value_lines.get("examples", block.line) if isinstance(block, LineMap) else 0
            raw = str(block.get("examples") or "")
            for offset, line in enumerate(raw.split("\n")):
                text = line.strip()
                if text.startswith("- "):
                    found.append(Example(block["intent"], text[2:].strip(), language, self.rel(path), first + 1 + offset))
        return found

    @cached_property
    def steps(self) -> list[Step]:
        """Every intent and action named in data/rules/ and data/stories/."""
        found = []
        for folder, key, title in (("data/rules", "rules", "rule"), ("data/stories", "stories", "story")):
            for path in self.yaml_files(folder):
                data = self.load(path) or {}
                for block in data.get(key) or []:
                    name = f"{title} '{block.get(title, '?')}'"
                    for part in ("condition", "steps"):
                        found.extend(self._steps_of(block.get(part) or [], name, self.rel(path)))
        return found

    def _steps_of(self, steps: list, block: str, where: str) -> list[Step]:
        found = []
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            line = line_of(steps, i)
            for kind in ("intent", "action"):
                if kind in step:
                    found.append(Step(kind, str(step[kind]), block, where, line))
            if "or" in step:
                found.extend(self._steps_of(step["or"] or [], block, where))
        return found

    @cached_property
    def action_sources(self) -> dict[str, str]:
        """Source text of every Python module in actions/ (with its subpackages), by relative path."""
        folder = self.root / "actions"
        return {self.rel(p): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.py"))}


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def normalise(text: str) -> str:
    """Lowercase and collapse spaces: how the duplicate check compares examples."""
    return " ".join(text.lower().split())
