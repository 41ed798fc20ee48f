"""Training time: `rasa train` (NLU and dialogue) with the current config, no cache, into a temp dir."""

from __future__ import annotations

import os
import resource
import subprocess
import time
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.runner.environment import RASA_BIN, rasa_env

TRAIN_TIMEOUT_S = 900


def bench_training(out: Path) -> dict:
    """Seconds for a full `rasa train` from scratch, and the model's size."""
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **rasa_env(), "RASA_CACHE_DIRECTORY": str(out / "cache")}
    command = [str(RASA_BIN), "train", "--config", "config.yml", "--domain", "domain", "--data", "data",
               "--out", str(out), "--fixed-model-name", "bench"]
    started, cpu_before = time.monotonic(), _children_cpu_s()
    with open(out / "train.log", "ab") as log:
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                timeout=TRAIN_TIMEOUT_S)
    seconds, cpu = time.monotonic() - started, _children_cpu_s() - cpu_before
    model = out / "bench.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise RuntimeError(f"rasa train failed with exit code {result.returncode}; see {out / 'train.log'}")
    # CPU seconds do not depend on how busy the shared machine is; wall seconds do.
    return {"train_s": round(seconds, 1), "train_cpu_s": round(cpu, 1),
            "model_mib": round(model.stat().st_size / 2**20, 1)}


def _children_cpu_s() -> float:
    """User + system CPU seconds of all finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
