"""The model fingerprint and the train-or-reuse decision (no real training here)."""

from __future__ import annotations

import fcntl
import shutil
import threading
import time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.runner import training


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the real model inputs to change at will."""
    for name in training.MODEL_INPUTS:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copyfile(source, tmp_path / name)
    return tmp_path


def test_fingerprint_is_stable_and_covers_config_domain_and_data(project):
    files = [p.relative_to(project).as_posix() for p in training.input_files(project)]
    assert files == sorted(files)
    assert "config.yml" in files
    assert any(f.startswith("domain/") for f in files) and any(f.startswith("data/") for f in files)
    assert training.fingerprint(project) == training.fingerprint(project)
    assert training.fingerprint(project) == training.fingerprint(PROJECT_ROOT)


@pytest.mark.parametrize("changed", ["config.yml", "domain", "data"])
def test_fingerprint_changes_with_any_input(project, changed):
    before = training.fingerprint(project)
    target = project / changed
    if target.is_dir():
        target = next(p for p in sorted(target.rglob("*.yml")))
    target.write_text(target.read_text() + "\n# edited\n")
    assert training.fingerprint(project) != before


def test_fingerprint_changes_when_a_file_is_renamed(project):
    before = training.fingerprint(project)
    first = next(p for p in sorted((project / "data").rglob("*.yml")))
    first.rename(first.with_name("renamed_" + first.name))
    assert training.fingerprint(project) != before


@pytest.fixture
def isolated_dirs(tmp_path, monkeypatch):
    """Models and cache directories of our own; training would fail (no rasa binary)."""
    models, cache = tmp_path / "models", tmp_path / "cache"
    monkeypatch.setattr(training, "MODELS_DIR", models)
    monkeypatch.setattr(training, "CACHE_DIR", cache)
    monkeypatch.setattr(training, "RASA_BIN", tmp_path / "no-such-rasa")
    return models, cache


def test_a_cached_model_is_copied_instead_of_trained(isolated_dirs):
    models, cache = isolated_dirs
    fp = training.fingerprint()
    cache.mkdir()
    (cache / f"{fp}.tar.gz").write_bytes(b"model bytes")
    lines = []
    model = training.ensure_model(log=lines.append)
    assert model == models / f"{fp}.tar.gz"
    assert model.read_bytes() == b"model bytes"
    assert "copied the cached model" in lines[0]


def test_a_present_model_is_used_and_put_into_the_cache(isolated_dirs):
    models, cache = isolated_dirs
    fp = training.fingerprint()
    models.mkdir()
    (models / f"{fp}.tar.gz").write_bytes(b"trained earlier")
    lines = []
    training.ensure_model(log=lines.append)
    assert "data unchanged" in lines[0]
    assert (cache / f"{fp}.tar.gz").read_bytes() == b"trained earlier"


def test_without_a_model_it_trains_and_reports_a_failure(isolated_dirs):
    with pytest.raises(training.TrainingError, match="make install"):
        training.ensure_model(log=lambda line: None)
    models, cache = isolated_dirs
    assert not list(cache.glob("*.tar.gz"))


def test_a_second_run_waits_for_the_first_and_says_so(isolated_dirs):
    models, cache = isolated_dirs
    fp = training.fingerprint()
    cache.mkdir()
    lines = []
    with open(cache / f".{fp}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        waiter = threading.Thread(target=lambda: training.ensure_model(log=lines.append))
        waiter.start()
        deadline = time.monotonic() + 5
        while not lines and time.monotonic() < deadline:
            time.sleep(0.02)
        assert lines == ["train: another run is training this model; waiting for it ..."]
        models.mkdir()
        (models / f"{fp}.tar.gz").write_bytes(b"trained by the other run")
    waiter.join(timeout=5)
    assert "data unchanged" in lines[-1]


def test_rasa_s_data_check_is_left_out_only_when_the_caller_just_ran_it(isolated_dirs, tmp_path, monkeypatch):
    """`make test` (after `make validate`) and the console (after its `rasa data validate`) pass
    data_checked; `make train` and `make run` keep the check `rasa train` runs first."""
    models, _cache = isolated_dirs
    rasa = tmp_path / "rasa"
    rasa.write_text("")
    monkeypatch.setattr(training, "RASA_BIN", rasa)
    commands = []

    def fake_run(command, **kwargs):
        commands.append(command)
        out = Path(command[command.index("--out") + 1])
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{command[command.index('--fixed-model-name') + 1]}.tar.gz").write_bytes(b"model")
        return subprocess.CompletedProcess(command, 0)

    import subprocess

    monkeypatch.setattr(training.subprocess, "run", fake_run)
    training._train("first", lambda line: None, None)
    training._train("second", lambda line: None, None, data_checked=True)
    assert "--skip-validation" not in commands[0]
    assert commands[1][-1] == "--skip-validation"
    assert commands[0][:3] == training.train_command()
    monkeypatch.setattr(training, "ensure_model", lambda **kwargs: commands.append(kwargs) or models / "m")
    training.main(["--data-checked"])
    training.main([])
    assert commands[-2] == {"data_checked": True} and commands[-1] == {"data_checked": False}
