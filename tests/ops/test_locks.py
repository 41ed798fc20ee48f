"""The lock files: hashed, complete for what the code imports, nothing declared and unused.

docs/DEPENDENCIES.md describes the files; `make lock` (scripts/lock.sh) writes the locks.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
LOCKS = ("app.lock", "dev.lock", "rasa.lock")

# Code that runs inside Rasa (.venv-rasa, Python 3.10): checked against rasa.lock.
RASA_SIDE = {"bot/language_policy.py", "bot/language.py", "bot/folding.py", "bot/windowed_tracker_store.py",
             "bot/rasa_speedups.py", "deploy/rasa/atomic_redis_lock_store.py", "deploy/rasa/rasa_run.py",
             "deploy/rasa/rasa_train.py"}
# Rasa-side imports whose distribution is named otherwise.
RASA_DISTRIBUTIONS = {"yaml": "pyyaml"}
# Service packages' modules that only developers run: checked against dev.in like tests.
DEV_ONLY = {"bot/scanning/bench.py": "the scanner benchmark (python -m bot.scanning.bench)"}
# Declared but never imported, and why. Anything else declared must be imported somewhere.
NOT_IMPORTED = {
    "python-multipart": "Starlette's form and upload parser imports it (bot/gateway/uploads.py)",
    "tzdata": "zoneinfo's data for Europe/Berlin where the system has no /usr/share/zoneinfo",
    "pytest-timeout": "a pytest plugin: the per-test timeout in pyproject.toml",
    "uv": "the `make lock` command (scripts/lock.sh)",
    "pip-audit": "run as `python -m pip_audit` by scripts/audit.py",
}
SERVICE_DIRS = ("bot", "actions", "rasa_sdk_plugins")
DEVELOPER_DIRS = ("tests", "bench", "scripts")


def lock_entries(name: str) -> dict[str, tuple[str, frozenset[str], str]]:
    """canonical name -> (version, hashes, the whole requirement text) of a lock file."""
    text = (REQUIREMENTS / name).read_text()
    logical = re.sub(r"\\\n", " ", text)  # join continuation lines
    entries = {}
    for line in logical.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line.split(" --hash", 1)[0])
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{name}: not pinned: {line[:80]}"
        hashes = frozenset(re.findall(r"--hash=(sha256:[0-9a-f]{64})", line))
        entries[canonicalize_name(requirement.name)] = (specifiers[0].version, hashes, line)
    return entries


def declared(name: str) -> dict[str, Requirement]:
    """canonical name -> requirement of an input file (app.in, dev.in, rasa.txt)."""
    found = {}
    for line in (REQUIREMENTS / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def first_party() -> set[str]:
    """Top-level names that are this repository's own packages and modules."""
    return {path.stem for path in ROOT.iterdir() if path.suffix in ("", ".py") and not path.name.startswith(".")}


def third_party_imports(path: Path, own: set[str]) -> set[str]:
    """Top-level names of the absolute imports in one file that are neither stdlib nor ours."""
    if not (path.parent / "__init__.py").exists():  # a script's or test's helpers beside it (its sys.path)
        own = own | {sibling.stem for sibling in path.parent.glob("*.py")}
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names and name not in own and name != "__future__"}


@functools.cache
def installed_modules() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def distributions_of(module: str) -> set[str]:
    """The distributions that provide an importable top-level name in this environment."""
    return {canonicalize_name(dist) for dist in installed_modules().get(module, [])}


@functools.cache
def imports_by_file() -> dict[str, frozenset[str]]:
    own = first_party()
    found = {}
    for directory in (*SERVICE_DIRS, *DEVELOPER_DIRS, "deploy"):
        for path in sorted((ROOT / directory).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            found[relative] = frozenset(third_party_imports(path, own))
    return found


@pytest.mark.parametrize("name", LOCKS)
def test_every_lock_line_is_pinned_and_hashed(name):
    entries = lock_entries(name)
    assert len(entries) > 10
    for package, (version, hashes, line) in entries.items():
        assert hashes, f"{name}: {package}=={version} has no --hash"
        assert "://" not in line and not line.startswith("-e"), f"{name}: {package} is not from the index"
    assert "make lock" in (REQUIREMENTS / name).read_text().splitlines()[1], f"{name}: not written by make lock"


def test_dev_lock_pins_what_app_lock_pins_with_the_same_hashes():
    """Both are installed into .venv in one pip call: a package in both must agree."""
    app, dev = lock_entries("app.lock"), lock_entries("dev.lock")
    shared = set(app) & set(dev)
    assert shared, "dev.in is constrained by app.lock: some packages are shared"
    for package in shared:
        assert app[package][:2] == dev[package][:2], f"{package}: app.lock and dev.lock differ"


@pytest.mark.parametrize(("source", "lock"), [("app.in", "app.lock"), ("dev.in", "dev.lock"), ("rasa.txt", "rasa.lock")])
def test_every_declared_package_is_locked_within_its_range(source, lock):
    entries = lock_entries(lock)
    for package, requirement in declared(source).items():
        assert package in entries, f"{package} from {source} is not in {lock}: run make lock"
        assert requirement.specifier.contains(entries[package][0], prereleases=True), \
            f"{lock} pins {package}=={entries[package][0]}, {source} wants {requirement.specifier}: run make lock"


def test_production_and_development_are_apart():
    """What only tests, the benchmark and tools use stays out of the production lock."""
    app = lock_entries("app.lock")
    for package in ("pytest", "hypothesis", "playwright", "pyinstrument", "redis", "clamd", "pip-audit", "uv", "pypdf"):
        assert package not in app, f"{package} is a development package but in app.lock"
    assert "python-dateutil" not in app and "python-dateutil" not in lock_entries("dev.lock")


def test_every_import_is_declared_and_locked():
    """Service code imports only what app.in declares (and app.lock pins); tests, the
    benchmark and scripts also what dev.in declares; Rasa-side modules what rasa.lock pins."""
    app_in, dev_in = declared("app.in"), declared("dev.in")
    app_lock, dev_lock, rasa_lock = lock_entries("app.lock"), lock_entries("dev.lock"), lock_entries("rasa.lock")
    problems = []
    for relative, modules in imports_by_file().items():
        rasa_side = relative in RASA_SIDE
        for module in sorted(modules):
            if rasa_side or module == "rasa":
                # Rasa's environment: not installed in .venv; the module is named like its distribution
                # (rasa, redis, sqlalchemy); `rasa` imported elsewhere runs in .venv-rasa too.
                if canonicalize_name(RASA_DISTRIBUTIONS.get(module, module)) not in rasa_lock:
                    problems.append(f"{relative}: {module} is not in rasa.lock")
                continue
            dists = distributions_of(module)
            if not dists:
                problems.append(f"{relative}: {module} is not installed in .venv")
                continue
            service = relative.split("/")[0] in SERVICE_DIRS and relative not in DEV_ONLY
            allowed_in, allowed_lock = (app_in, app_lock) if service else ({**app_in, **dev_in}, {**app_lock, **dev_lock})
            if not dists & set(allowed_in):
                problems.append(f"{relative}: {module} ({', '.join(sorted(dists))}) is not declared in "
                                f"{'app.in' if service else 'app.in or dev.in'}")
            if not dists & set(allowed_lock):
                problems.append(f"{relative}: {module} ({', '.join(sorted(dists))}) is not locked")
    assert not problems, "\n".join(problems)


def test_nothing_is_declared_and_unused():
    """Each declared package is imported by the code that may use it (python-dateutil was not)."""
    service_imports, developer_imports = set(), set()
    for relative, modules in imports_by_file().items():
        if relative in RASA_SIDE:
            continue
        dists = set().union(*(distributions_of(module) for module in modules)) if modules else set()
        if relative.split("/")[0] in SERVICE_DIRS and relative not in DEV_ONLY:
            service_imports |= dists
        developer_imports |= dists
    unused_app = set(declared("app.in")) - service_imports - set(NOT_IMPORTED)
    unused_dev = set(declared("dev.in")) - developer_imports - set(NOT_IMPORTED)
    assert not unused_app, f"declared in app.in, imported by no service: {sorted(unused_app)}"
    assert not unused_dev, f"declared in dev.in, imported by no test, benchmark or script: {sorted(unused_dev)}"
    stale = set(NOT_IMPORTED) - set(declared("app.in")) - set(declared("dev.in"))
    assert not stale, f"NOT_IMPORTED names packages no longer declared: {sorted(stale)}"


def test_the_import_check_would_catch_an_undeclared_import(tmp_path):
    """The check is not vacuous: an import of a package no input declares is found."""
    module = tmp_path / "example.py"
    module.write_text("import yaml\nimport hypothesis\nfrom bot import config\n")
    names = third_party_imports(module, first_party())
    assert names == {"yaml", "hypothesis"}
    assert distributions_of("hypothesis") & set(declared("dev.in"))
    assert not distributions_of("hypothesis") & set(declared("app.in"))
