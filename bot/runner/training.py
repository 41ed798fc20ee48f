"""Train the Rasa model only when its inputs changed, reusing a per-user model cache.

The fingerprint is a sha256 over config.yml and every file under domain/ and data/
(relative paths in sorted order, then contents). The model is stored as
``models/<fingerprint>.tar.gz`` and copied to ``~/.cache/lea-intake/models/`` so other
checkouts on the same machine (CI, fresh clones) reuse it instead of training again.

Usage: ``python -m bot.runner.training`` (prints the model's path on the last line).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.fields import FieldsError, write_domain
from bot.runner.environment import RASA_BIN, RASA_PYTHON, RASA_TRAIN_LAUNCHER, rasa_env

MODEL_INPUTS = ("config.yml", "domain", "data")
MODELS_DIR = PROJECT_ROOT / "models"
CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lea-intake" / "models"
# Options of every `rasa train` here (bench/training.py times the same command).
TRAIN_OPTIONS: tuple[str, ...] = ()
# When the caller has just run Rasa's data check itself (`make validate` in `make test`, the
# staff console's job: `rasa data validate --fail-on-warnings`, stricter than the errors-only
# check `rasa train` runs first), the second one is left out: ~3 CPU s (docs/BENCHMARKS.md).
CHECKED_OPTIONS: tuple[str, ...] = ("--skip-validation",)


def train_command(root: Path = PROJECT_ROOT) -> list[str]:
    """`rasa train` through deploy/rasa/rasa_train.py (skops before TensorFlow, the classifier's
    matrix without copies, scipy's bounds at once: the same model; docs/BENCHMARKS.md),
    or Rasa's own command in a checkout without that launcher."""
    launcher = root / RASA_TRAIN_LAUNCHER.relative_to(PROJECT_ROOT)
    if launcher.exists():
        return [str(RASA_PYTHON), str(launcher), "train"]
    return [str(RASA_BIN), "train"]


class TrainingError(RuntimeError):
    """Rasa could not train a model from the current data."""


def input_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file the model is trained from, in a stable order."""
    files = []
    for name in MODEL_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file())
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    """sha256 over the relative paths and contents of config, domain and data."""
    digest = hashlib.sha256()
    for path in input_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@contextmanager
def _exclusive(lock_path: Path, log: Callable[[str], None]):
    """Hold a file lock so parallel runs train one fingerprint only once."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("train: another run is training this model; waiting for it ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy so readers never see a half-written model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _models_dir(root: Path) -> Path:
    """models/ of this checkout, or of another project copy (the staff console trains one)."""
    return MODELS_DIR if root == PROJECT_ROOT else root / "models"


def _train(fp: str, log: Callable[[str], None], output, root: Path = PROJECT_ROOT, data_checked: bool = False) -> Path:
    """Run `rasa train` into <root>/models/<fp>.tar.gz (``data_checked``: without Rasa's own data check)."""
    models_dir = _models_dir(root)
    command = [
        *train_command(),
        "--config", "config.yml", "--domain", "domain", "--data", "data",
        "--out", str(models_dir), "--fixed-model-name", fp, *TRAIN_OPTIONS, *(CHECKED_OPTIONS if data_checked else ()),
    ]  # fmt: skip
    if not Path(RASA_BIN).exists():
        raise TrainingError(f"{RASA_BIN} is missing: run `make install`")
    log("train: data or config changed, training a new model (a few minutes on 2 cores) ...")
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=root, env={**os.environ, **rasa_env()}, stdout=output, stderr=subprocess.STDOUT
    )
    model = models_dir / f"{fp}.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise TrainingError(f"rasa train failed with exit code {result.returncode}")
    log(f"train: trained in {time.monotonic() - started:.0f} s")
    return model


def ensure_model(log: Callable[[str], None] = print, output=None, root: Path = PROJECT_ROOT,
                 data_checked: bool = False) -> Path:
    """The model for the current data of ``root``: present, copied from the cache, or trained now.

    ``data_checked``: the caller has just run Rasa's data check (`rasa data validate
    --fail-on-warnings`) on this data without a problem, so `rasa train` does not run it again.

    domain/fields.yml is regenerated from content/fields.yml first (bot.fields), so a changed
    field is trained with its question and slot.
    """
    try:
        if write_domain(root):
            log("train: domain/fields.yml regenerated from content/fields.yml")
    except FieldsError as error:
        raise TrainingError(str(error)) from error
    fp = fingerprint(root)
    model = _models_dir(root) / f"{fp}.tar.gz"
    cached = CACHE_DIR / f"{fp}.tar.gz"
    with _exclusive(CACHE_DIR / f".{fp}.lock", log):
        if model.exists():
            log(f"train: data unchanged, using models/{model.name}")
        elif cached.exists():
            _copy_atomically(cached, model)
            log(f"train: data unchanged, copied the cached model to models/{model.name}")
        else:
            _train(fp, log, output, root, data_checked)
        if not cached.exists():
            _copy_atomically(model, cached)
    return model


def main(argv: list[str] | None = None) -> int:
    """Train if needed and print the model's path (``--data-checked``: `make validate` just passed)."""
    started = time.monotonic()
    try:
        model = ensure_model(data_checked="--data-checked" in (sys.argv[1:] if argv is None else argv))
    except TrainingError as error:
        print(f"train: {error}", file=sys.stderr)
        return 1
    print(f"train: done in {time.monotonic() - started:.1f} s")
    print(model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
