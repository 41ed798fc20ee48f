"""An NLU-only Rasa model for evaluation, trained only when config.yml or data/nlu/ changed.

Stored as ``models/nlu/nlu-<fingerprint>.tar.gz`` and copied to the per-user cache
(``~/.cache/lea-intake/models``, like the main model in bot/runner/training.py), so an
unchanged checkout never trains twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from bot.runner.environment import RASA_BIN, rasa_env
from bot.runner.training import CACHE_DIR


class NluTrainingError(RuntimeError):
    """Rasa could not train the NLU model."""


def nlu_fingerprint(root: Path) -> str:
    """sha256 over config.yml and every file of data/nlu/ (paths and contents)."""
    digest = hashlib.sha256()
    files = [root / "config.yml", *sorted(p for p in (root / "data" / "nlu").rglob("*") if p.is_file())]
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _copy(source: Path, target: Path) -> None:
    """Copy via a temporary name so nobody reads half a model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _train(root: Path, name: str, out: Path, log: Callable[[str], None]) -> None:
    """Run `rasa train nlu` into out/<name>.tar.gz."""
    log("evaluate: training data changed, training the NLU model (about a minute) ...")
    command = [str(RASA_BIN), "train", "nlu", "--config", "config.yml", "--nlu", "data/nlu",
               "--out", str(out), "--fixed-model-name", name]
    result = subprocess.run(command, cwd=root, env={**os.environ, **rasa_env()},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0 or not (out / f"{name}.tar.gz").exists():
        tail = "\n".join(result.stdout.splitlines()[-15:])
        raise NluTrainingError(f"rasa train nlu failed (exit code {result.returncode}):\n{tail}")


def ensure_nlu_model(root: Path, log: Callable[[str], None] = print) -> Path:
    """The NLU model for the current data: already there, copied from the cache, or trained now."""
    name = f"nlu-{nlu_fingerprint(root)}"
    out = root / "models" / "nlu"
    model, cached = out / f"{name}.tar.gz", CACHE_DIR / f"{name}.tar.gz"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel runs train one fingerprint once
        if model.exists():
            log(f"evaluate: NLU data unchanged, using {model.relative_to(root)}")
        elif cached.exists():
            _copy(cached, model)
            log("evaluate: NLU data unchanged, using the cached model")
        else:
            _train(root, name, out, log)
        if not cached.exists():
            _copy(model, cached)
    return model
