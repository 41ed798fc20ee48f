"""Start to ready with a cached model, side by side: several checkouts' stacks and a stock Rasa.

`python -m bench --only ready --side main=/work/main --side branch=. --rounds 3` starts,
round by round and one at a time, each checkout's whole product with that checkout's own
supervisor (its `bench.stack.TimedStack`, in its own venv, in a child process) and a stock
`rasa run` of the same model, so the shared machine's load hits every side alike. The time
is the wall clock from `Stack.start()` until it returned (every service ready), whatever
the checkout's supervisor does inside (one after another, or together); plus each
service's own launch-to-ready and the CPU seconds its process tree used until then.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.rasa_server import RasaServer
from bench.submissions import load_average
from bot.runner.training import ensure_model

START_TIMEOUT_S = 400.0

# Runs in the checkout's own venv with the checkout as working directory and first on sys.path.
_ONE_START = r"""
import json, os, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, os.getcwd())
from bench.procs import tree_cpu_seconds
from bench.stack import TimedStack, bench_settings
model = Path(sys.argv[1])
with tempfile.TemporaryDirectory(prefix="intake-bench-ready-") as tmp:
    stack = TimedStack(bench_settings(Path(tmp)), model)
    started = time.monotonic()
    stack.start()
    try:
        wall = time.monotonic() - started
        cpu = {name: tree_cpu_seconds(stack.pid(name)) for name in stack.services if stack.pid(name)}
    finally:
        stack.stop()
print(json.dumps({"ready_s": round(wall, 2), "services_s": dict(stack.ready_s), "cpu_s": cpu}))
"""


def start_once(checkout: Path, model: Path) -> dict:
    """One start of a checkout's stack in a child process: {ready_s, services_s, cpu_s}."""
    python = checkout / ".venv" / "bin" / "python"
    done = subprocess.run([str(python), "-c", _ONE_START, str(model)], cwd=checkout, capture_output=True, text=True,
                          timeout=START_TIMEOUT_S, env={k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")})
    if done.returncode != 0:
        raise RuntimeError(f"{checkout}: the stack did not start: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def stock_rasa_once(model: Path, work: Path) -> float:
    """Launch to /status ready of a stock `rasa run` (REST channel, no endpoints) of the model."""
    with RasaServer(model, work, work / "rasa.log", rest_channel=True) as bare:
        return round(bare.start_s, 2)


def parse_ready_side(text: str) -> tuple[str, Path]:
    """'LABEL=CHECKOUT' -> (label, checkout)."""
    label, _, path = text.partition("=")
    if not label or not path:
        raise ValueError(f"expected LABEL=CHECKOUT, got {text!r}")
    return label, Path(path).resolve()


def compare_ready(work: Path, sides: list[tuple[str, Path]], rounds: int = 3) -> dict:
    """Every side and the stock Rasa started once per round; medians and ratios to the first side."""
    model = ensure_model(log=lambda line: None)
    runs: dict[str, list[dict]] = {label: [] for label, _ in sides}
    runs["stock_rasa"] = []
    for number in range(rounds):
        for label, checkout in sides:
            load = [load_average()]
            result = start_once(checkout, model)
            runs[label].append({**result, "load": load + [load_average()]})
        load = [load_average()]
        runs["stock_rasa"].append({"ready_s": stock_rasa_once(model, work / f"stock-{number}"),
                                   "load": load + [load_average()]})
    first = sides[0][0]
    summary = {label: {"median_s": round(statistics.median(r["ready_s"] for r in entries), 2), "runs": entries}
               for label, entries in runs.items()}
    for entry in summary.values():
        entry[f"ratio_to_{first}"] = round(entry["median_s"] / summary[first]["median_s"], 2)
        entry["ratio_to_stock_rasa"] = round(entry["median_s"] / summary["stock_rasa"]["median_s"], 2)
    return {"model": str(model), "sides": {label: str(path) for label, path in sides}, "results": summary}


def ready_table(report: dict) -> str:
    """The comparison as a Markdown table."""
    results = report["results"]
    first = next(iter(report["sides"]))
    lines = [f"| side | start to ready, median | runs (s) | × {first} | × stock Rasa | per service, last run (s) "
             "| CPU s until ready, last run | load (start-end per run) |", "|---|---|---|---|---|---|---|---|"]
    for label, entry in results.items():
        runs = entry["runs"]
        last = runs[-1]
        services = ", ".join(f"{k} {v}" for k, v in last.get("services_s", {}).items()) or "-"
        cpu = ", ".join(f"{k} {v}" for k, v in last.get("cpu_s", {}).items()) or "-"
        loads = ", ".join(f"{a}-{b}" for a, b in (r["load"] for r in runs))
        lines.append(f"| {label} | {entry['median_s']} s | {', '.join(str(r['ready_s']) for r in runs)} "
                     f"| {entry[f'ratio_to_{first}']} | {entry['ratio_to_stock_rasa']} | {services} | {cpu} | {loads} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - `python -m bench --only ready --side ...` is the entry point
    sys.exit("use: python -m bench --only ready --side LABEL=CHECKOUT --side LABEL=CHECKOUT [--rounds N]")
