"""Saving a change: check it like `make validate`, write it, record who/when/diff, commit, revert.

A change is a set of whole new file texts. Before anything is written the files are
placed in a scratch copy of the project and the staff checks (bot/staffcheck, every
check except Rasa's own, which runs before training) run on it; a change that adds a
problem is refused with the checks' own plain words and nothing is written.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.staffcheck import Options, messages, run_checks
from bot.staffcheck.project import Project
from bot.staffcheck.report import Problem

from bot.console.store import Store
from bot.console.texts import Said

# What the checks read; copied into the scratch project.
CHECKED_PARTS = ("config.yml", "domain", "data", "content", "actions")
_write_lock = threading.Lock()  # one change at a time: checks and writes see a stable tree


@dataclass
class Edit:
    summary: str
    files: dict[str, str]  # path relative to the project -> complete new text


class Rejected(Exception):
    """The change would add problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class Conflict(Said):
    """The files changed since; the message (a console text) says what to do."""


def _problem_key(problem: Problem) -> tuple:
    return problem.file, problem.name, problem.what  # lines move when entries are added


def _problems(root: Path) -> list[Problem]:
    results = run_checks(Project(root), Options(with_rasa=False))
    return [p for r in results for p in r.problems]


def _scratch_copy(project: Path, target: Path) -> None:
    for part in CHECKED_PARTS:
        source = project / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, target / part)


def _state(root: Path) -> str:
    """A digest of every file the checks read, to reuse the last result for an unchanged project."""
    digest = hashlib.sha256()
    for part in CHECKED_PARTS:
        path = root / part
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


_known_problems: dict[str, set] = {}  # project state -> problem keys (the checks take a second or two)


def _problem_keys(root: Path) -> tuple[str, set]:
    state = _state(root)
    if state not in _known_problems:
        _known_problems.clear()  # only the latest states matter
        _known_problems[state] = {_problem_key(p) for p in _problems(root)}
    return state, _known_problems[state]


def new_problems(project: Path, files: dict[str, str]) -> list[Problem]:
    """Problems the change would add (those the project already has are not blamed on it)."""
    _, before = _problem_keys(project)
    with tempfile.TemporaryDirectory(prefix="console-check-") as scratch:
        root = Path(scratch)
        _scratch_copy(project, root)
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        after = _problems(root)
        _known_problems[_state(root)] = {_problem_key(p) for p in after}  # the project's state once saved
        return [p for p in after if _problem_key(p) not in before]


def _safe_path(project: Path, rel: str) -> Path:
    path = (project / rel).resolve()
    if not path.is_relative_to(project.resolve()) or not rel.split("/")[0] in CHECKED_PARTS:
        raise ValueError(f"the console does not write {rel}")
    return path


def _write(path: Path, text: str) -> None:
    """Atomic replace, so Rasa's training or a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.console-partial")
    partial.write_text(text, encoding="utf-8")
    if path.exists():
        shutil.copymode(path, partial)
    os.replace(partial, path)


def unified_diff(files: dict[str, tuple[str, str]]) -> str:
    parts = []
    for rel, (before, after) in sorted(files.items()):
        parts.extend(difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{rel}", f"b/{rel}", n=2))
    return "".join(parts)


def is_git_checkout(project: Path) -> bool:
    result = subprocess.run(["git", "-C", str(project), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == project.resolve()


def git_commit(project: Path, user: str, message: str, paths: list[str]) -> str | None:
    """Commit exactly these files with the staff member as author; the commit id, or None."""
    if not is_git_checkout(project):
        return None
    identity = ["-c", f"user.name={user}", "-c", f"user.email={user}@console.invalid"]
    subprocess.run(["git", "-C", str(project), "add", "--", *paths], check=True, capture_output=True)
    result = subprocess.run(["git", "-C", str(project), *identity, "commit", "--no-verify", "--only", "-q",
                             "-m", f"{message}\n\n(staff console, by {user})", "--", *paths], capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return subprocess.run(["git", "-C", str(project), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


def apply(store: Store, project: Path, user: str, edit: Edit, reverts: int | None = None) -> int:
    """Check, write, record and commit one change; raises Rejected with the problems instead."""
    with _write_lock:
        paths = {rel: _safe_path(project, rel) for rel in edit.files}
        before = {rel: path.read_text(encoding="utf-8") if path.exists() else "" for rel, path in paths.items()}
        files = {rel: (before[rel], text) for rel, text in edit.files.items() if before[rel] != text}
        if not files:
            raise Rejected([messages.problem("", "nothing_changed")])
        problems = new_problems(project, {rel: after for rel, (_, after) in files.items()})
        if problems:
            raise Rejected(problems)
        for rel, (_, after) in files.items():
            _write(paths[rel], after)
        commit = git_commit(project, user, edit.summary, sorted(files))
        with store.connect() as db:
            cursor = db.execute(
                "INSERT INTO changes (at, user, summary, files, diff, git_commit, reverts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), user, edit.summary, json.dumps(files), unified_diff(files), commit, reverts))
            change_id = cursor.lastrowid
            if reverts:
                db.execute("UPDATE changes SET reverted_by = ? WHERE id = ?", (change_id, reverts))
        return change_id


def revert(store: Store, project: Path, user: str, change_id: int) -> int:
    """Undo one change as a new, checked change; refused when its files changed since."""
    with store.connect() as db:
        row = db.execute("SELECT * FROM changes WHERE id = ?", (change_id,)).fetchone()
    if row is None:
        raise Conflict("undo_no_such_change")
    if row["reverted_by"]:
        raise Conflict("undo_already_undone", id=row["reverted_by"])
    files = json.loads(row["files"])
    for rel, (_, after) in files.items():
        current = (project / rel).read_text(encoding="utf-8") if (project / rel).exists() else ""
        if current != after:
            raise Conflict("undo_file_changed_since", file=rel)
    edit = Edit(f"Undo change {change_id}: {row['summary']}", {rel: before for rel, (before, _) in files.items()})
    return apply(store, project, user, edit, reverts=change_id)


def history(store: Store, limit: int = 100) -> list[dict]:
    with store.connect() as db:
        return [dict(r) for r in db.execute("SELECT * FROM changes ORDER BY id DESC LIMIT ?", (limit,))]
