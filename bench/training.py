"""Training time: `rasa train` (NLU and dialogue) with the current config, no cache, into a temp dir.

``compare_training`` (``python -m bench --only training --side LABEL=CHECKOUT[:FLAGS]``) trains
several checkouts' data and config side by side, round by round, each with an empty cache;
FLAGS are extra `rasa train` options joined by commas (e.g. ``:--skip-validation``). CPU
seconds (the `rasa train` process and its children) hardly depend on the shared machine's
load; wall seconds do.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.runner.environment import rasa_env
from bot.runner.training import TRAIN_OPTIONS, train_command

TRAIN_TIMEOUT_S = 900


def bench_training(out: Path, checkout: Path = PROJECT_ROOT, extra: tuple[str, ...] = TRAIN_OPTIONS) -> dict:
    """Seconds for a full `rasa train` from scratch (the product's options: ``TRAIN_OPTIONS``), and the model's size."""
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **rasa_env(), "RASA_CACHE_DIRECTORY": str(out / "cache"), "PYTHONPATH": str(checkout)}
    # The product's command (bot/runner/training.py), or Rasa's own in a checkout without its launcher.
    command = [*train_command(checkout), "--config", "config.yml", "--domain", "domain", "--data", "data",
               "--out", str(out), "--fixed-model-name", "bench", *extra]
    started, cpu_before = time.monotonic(), _children_cpu_s()
    with open(out / "train.log", "ab") as log:
        result = subprocess.run(command, cwd=checkout, env=env, stdout=log, stderr=subprocess.STDOUT,
                                timeout=TRAIN_TIMEOUT_S)
    seconds, cpu = time.monotonic() - started, _children_cpu_s() - cpu_before
    model = out / "bench.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise RuntimeError(f"rasa train failed with exit code {result.returncode}; see {out / 'train.log'}")
    # CPU seconds do not depend on how busy the shared machine is; wall seconds do.
    return {"train_s": round(seconds, 1), "train_cpu_s": round(cpu, 1),
            "model_mib": round(model.stat().st_size / 2**20, 1), "options": list(extra), "command": command[:3]}


def _children_cpu_s() -> float:
    """User + system CPU seconds of all finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parse_training_side(text: str) -> tuple[str, Path, tuple[str, ...]]:
    """'LABEL=CHECKOUT[:FLAG,FLAG]' -> (label, checkout, extra `rasa train` options)."""
    label, _, rest = text.partition("=")
    if not label or not rest:
        raise ValueError(f"--side {text!r}: expected LABEL=CHECKOUT[:FLAGS]")
    path, _, flags = rest.partition(":")
    return label, Path(path).resolve(), tuple(flag for flag in flags.split(",") if flag)


def compare_training(work_dir: Path, sides: list[tuple[str, Path, tuple[str, ...]]], rounds: int = 2) -> dict:
    """Each side trained once per round, sides interleaved, every run with an empty cache."""
    results: dict = {label: {"checkout": str(path), "options": list(extra), "runs": []} for label, path, extra in sides}
    for number in range(rounds):
        for label, path, extra in sides:
            run = bench_training(work_dir / f"{label}-{number}", path, extra)
            run["load_average"] = round(os.getloadavg()[0], 2)
            results[label]["runs"].append(run)
    first = sides[0][0]
    base = statistics.median(r["train_cpu_s"] for r in results[first]["runs"])
    for label, side in results.items():
        side["median_cpu_s"] = statistics.median(r["train_cpu_s"] for r in side["runs"])
        side["median_wall_s"] = statistics.median(r["train_s"] for r in side["runs"])
        side["cpu_ratio"] = round(side["median_cpu_s"] / base, 2) if base else None
    return results


def training_table(results: dict) -> str:
    """One row per side: CPU and wall seconds per round (load average after each), medians, CPU ratio."""
    lines = ["| side | options | CPU s per round | wall s per round (load) | median CPU s | median wall s | CPU × first |",
             "|---|---|---|---|---|---|---|"]
    for label, side in results.items():
        cpu = ", ".join(f"{r['train_cpu_s']}" for r in side["runs"])
        wall = ", ".join(f"{r['train_s']} ({r['load_average']})" for r in side["runs"])
        lines.append(f"| {label} | {' '.join(side['options']) or '–'} | {cpu} | {wall} | {side['median_cpu_s']} | "
                     f"{side['median_wall_s']} | {side['cpu_ratio']} |")
    return "\n".join(lines)
