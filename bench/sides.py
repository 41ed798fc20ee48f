"""Turns side by side: several checkouts' stacks running at once, and a stock Rasa beside them.

`python -m bench --only turns --side main=/work/main --side branch=. --rounds 3` starts each
checkout's whole product (its own supervisor, `bench.stack.TimedStack`, in its own venv, in
a child process that keeps it running) and a stock `rasa run` of the same model (REST
channel, no action server, trackers in memory). Then, round by round and side after side,
so the shared machine's load hits every side alike:

- single conversations: the turn script (bench/turns.py) in German and English through each
  side's gateway and through its own `/model/parse`, and through the stock Rasa;
- `--concurrency` (20) scripted conversations at once through each side's gateway, and
  through the stock Rasa;
- for every block, the CPU each service's process tree used (``/proc/<pid>/stat``) divided
  by the turns of the block: CPU per turn per service (the stock Rasa's too), which a loaded
  machine inflates far less than wall time.

Every side serves the model the bench found (`ensure_model` of this checkout): a change to
config, domain or data needs its own model and is not what this compares.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import httpx

from bench import turns
from bench.procs import tree_cpu_seconds
from bench.rasa_server import RasaServer
from bench.stats import ratio
from bench.submissions import load_average
from bot.runner.training import ensure_model

START_TIMEOUT_S = 400.0
TURN_SERVICES = ("gateway", "rasa", "actions", "backend")

# Runs in the checkout's own venv with the checkout as working directory and first on
# sys.path: starts the stack, prints where it listens (one JSON line), runs until stdin closes.
_SERVE = r"""
import json, os, sys, tempfile
from pathlib import Path
sys.path.insert(0, os.getcwd())
from bench.stack import TimedStack, bench_settings
model = Path(sys.argv[1])
with tempfile.TemporaryDirectory(prefix="intake-bench-side-") as tmp:
    stack = TimedStack(bench_settings(Path(tmp)), model, out=lambda line: print(line, file=sys.stderr, flush=True))
    stack.start()
    try:
        pids = {name: stack.pid(name) for name in stack.services if stack.pid(name)}
        print(json.dumps({"gateway_url": stack.gateway_url, "rasa_url": stack.rasa_url,
                          "rasa_token": stack.settings.rasa_token, "pids": pids,
                          "ready_s": round(stack.started_in_s, 2)}), flush=True)
        sys.stdin.read()
    finally:
        stack.stop()
"""


class SideStack:
    """One checkout's stack, running in a child process until closed."""

    def __init__(self, label: str, checkout: Path, model: Path, log: Path) -> None:
        self.label, self.checkout, self.model, self.log = label, checkout, model, log
        self.process: subprocess.Popen | None = None
        self.info: dict = {}

    def __enter__(self) -> SideStack:
        python = self.checkout / ".venv" / "bin" / "python"
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([str(python), "-c", _SERVE, str(self.model)], cwd=self.checkout, env=env,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.process.stdout.readline()  # the stack's supervisor waits for every service itself
        if not line:
            self.process.wait(timeout=30)
            raise RuntimeError(f"{self.checkout}: the stack did not start; see {self.log}")
        self.info = json.loads(line)
        return self

    @property
    def gateway_url(self) -> str:
        return self.info["gateway_url"]

    @property
    def rasa_url(self) -> str:
        return self.info["rasa_url"]

    @property
    def token(self) -> str:
        return self.info["rasa_token"]

    def cpu_s(self) -> dict[str, float]:
        """CPU seconds so far of each turn service's process tree."""
        return {name: tree_cpu_seconds(pid) for name, pid in self.info["pids"].items() if name in TURN_SERVICES}

    def __exit__(self, *exc_info) -> None:
        if self.process is None:
            return
        try:
            self.process.stdin.close()  # the child stops its stack
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def cpu_per_turn(before: dict[str, float], after: dict[str, float], turn_count: int) -> dict[str, float]:
    """CPU ms per turn of each service between two readings, and their sum."""
    per = {name: round((after[name] - before.get(name, 0.0)) * 1000 / turn_count, 2) for name in after}
    return {**per, "total": round(sum(per.values()), 2)}


def measured(block: Callable[[], dict], cpu_s: Callable[[], dict[str, float]], turn_count: Callable[[dict], int]) -> dict:
    """Run a block of turns; add the CPU per turn of what cpu_s reads and the load around it."""
    load = [load_average()]
    before = cpu_s()
    result = block()
    result["cpu_ms_per_turn"] = cpu_per_turn(before, cpu_s(), max(1, turn_count(result)))
    result["load"] = load + [load_average()]
    return result


def single_block(url: str, language: str) -> dict:
    """One scripted conversation (one language) through a REST webhook at url."""
    samples: dict[str, list[float]] = {}

    async def go() -> int:
        async with httpx.AsyncClient() as client:
            return await turns.run_script(client, turns.webhook(url), language, samples)

    return {"samples": samples, "failures": asyncio.run(go())}


def parse_block(rasa_url: str, language: str, token: str) -> dict:
    """The script's texts through rasa_url's /model/parse (token "" for a stock Rasa)."""
    samples: dict[str, list[float]] = {}

    async def go() -> int:
        async with httpx.AsyncClient() as client:
            return await turns.parse_script(client, rasa_url, language, samples, token=token)

    return {"samples": samples, "failures": asyncio.run(go())}


def compare_turns(work: Path, sides: list[tuple[str, Path]], rounds: int = 3, concurrency: int = 20,
                  singles: int = 2) -> dict:
    """Every side's stack and a stock Rasa at once; single and concurrent turns, round by round."""
    model = ensure_model(log=lambda line: None)
    work.mkdir(parents=True, exist_ok=True)
    stacks = [SideStack(label, checkout, model, work / f"{label}.log") for label, checkout in sides]
    runs: dict[str, dict[str, list]] = {label: {"single": [], "concurrent": []} for label, _ in sides}
    runs["stock_rasa"] = {"single": [], "concurrent": []}
    started = {}
    for stack in stacks:  # one after another: two supervisors starting at once would only slow both
        began = time.monotonic()
        stack.__enter__()
        started[stack.label] = round(time.monotonic() - began, 2)
    try:
        with RasaServer(model, work / "stock", work / "stock.log", rest_channel=True) as stock:
            warm = [(s.label, s.gateway_url, s) for s in stacks] + [("stock_rasa", stock.url, None)]

            def cpu_of(side: SideStack | None) -> Callable[[], dict[str, float]]:
                return side.cpu_s if side else lambda: {"rasa": tree_cpu_seconds(stock.process.pid)}

            for _, url, side in warm:  # first turns pay for imports and caches
                single_block(url, "de")
                turns.concurrent(url, min(concurrency, 4))
            for number in range(rounds):
                for label, url, side in warm:
                    for index in range(singles):
                        language = ("de", "en")[(number + index) % 2]
                        rasa_url, token = (side.rasa_url, side.token) if side else (stock.url, "")
                        block = measured(lambda: single_block(url, language), cpu_of(side),
                                         lambda r: sum(len(v) for v in r["samples"].values()))
                        parsed = parse_block(rasa_url, language, token)  # not in the block's CPU
                        runs[label]["single"].append({**block, "parse_samples": parsed["samples"],
                                                      "failures": block["failures"] + parsed["failures"]})
                for label, url, side in warm:
                    runs[label]["concurrent"].append(measured(lambda: turns.concurrent(url, concurrency),
                                                              cpu_of(side), lambda r: r["n"]))
    finally:
        for stack in stacks:
            stack.__exit__()
    return {"model": str(model), "sides": {label: str(path) for label, path in sides}, "start_s": started,
            "rounds": rounds, "concurrency": concurrency, "results": summarise(runs)}


def _p50(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1) if values else float("nan")


def summarise(runs: dict[str, dict[str, list]]) -> dict:
    """Per side: p50s by kind (pooled over rounds), × own parse, concurrency medians, CPU per turn, × stock."""
    summary: dict[str, dict] = {}
    for label, blocks in runs.items():
        pooled: dict[str, list[float]] = {}
        parses: dict[str, list[float]] = {}
        for block in blocks["single"]:
            for kind, values in block["samples"].items():
                pooled.setdefault(kind, []).extend(values)
            for kind, values in block["parse_samples"].items():
                parses.setdefault(kind, []).extend(values)
        entry: dict = {"failures": sum(b["failures"] for b in blocks["single"])
                       + sum(b["failures"] for b in blocks["concurrent"])}
        for kind in ("general", "enquiry"):
            entry[f"{kind}_p50_ms"] = _p50(pooled.get(kind, []))
            entry[f"{kind}_parse_p50_ms"] = _p50(parses.get(kind, []))
            entry[f"{kind}_x_parse"] = ratio(entry[f"{kind}_p50_ms"], entry[f"{kind}_parse_p50_ms"])
        concurrent = blocks["concurrent"]
        entry["concurrent_p95_ms"] = [c["p95_ms"] for c in concurrent]
        entry["concurrent_p50_ms"] = [c["p50_ms"] for c in concurrent]
        entry["concurrent_per_s"] = [c["per_s"] for c in concurrent]
        for name in ("single", "concurrent"):
            cpu = [b["cpu_ms_per_turn"] for b in blocks[name] if "cpu_ms_per_turn" in b]
            if cpu:
                entry[f"{name}_cpu_ms_per_turn"] = {service: round(statistics.median(c[service] for c in cpu), 2)
                                                    for service in cpu[0]}
        entry["load"] = [blocks["single"][0]["load"][0], blocks["concurrent"][-1]["load"][-1]] if concurrent else []
        summary[label] = entry
    stock = summary.get("stock_rasa", {}).get("concurrent_per_s", [])
    for entry in summary.values():  # round by round: the stock Rasa ran in the same minutes
        entry["concurrent_x_stock_per_s"] = [ratio(mine, theirs) for mine, theirs in zip(entry["concurrent_per_s"], stock)]
    return summary


def parse_turn_side(text: str) -> tuple[str, Path]:
    """'LABEL=CHECKOUT' -> (label, checkout)."""
    label, _, path = text.partition("=")
    if not label or not path or label == "stock_rasa":
        raise ValueError(f"expected LABEL=CHECKOUT (label not stock_rasa), got {text!r}")
    return label, Path(path).resolve()


def turns_table(report: dict) -> str:
    """The comparison as a Markdown table."""
    lines = ["| side | general p50 (× own parse) | enquiry p50 (× own parse) | CPU ms/turn, single: gateway / Rasa / "
             "actions = total | 20 concurrent p95 (rounds) | turns/s (× stock Rasa) | CPU ms/turn, concurrent: gateway / "
             "Rasa / actions = total | load |", "|---|---|---|---|---|---|---|---|"]

    def cpu(entry: dict, name: str) -> str:
        c = entry.get(f"{name}_cpu_ms_per_turn")
        if not c:
            return "-"
        return f"{c.get('gateway', '-')} / {c.get('rasa', '-')} / {c.get('actions', '-')} = {c.get('total', '-')}"

    for label, e in report["results"].items():
        rates = ", ".join(f"{r} ({x})" for r, x in zip(e["concurrent_per_s"], e["concurrent_x_stock_per_s"]))
        lines.append(
            f"| {label} | {e['general_p50_ms']} ms ({e['general_x_parse']}×) | {e['enquiry_p50_ms']} ms "
            f"({e['enquiry_x_parse']}×) | {cpu(e, 'single')} | {', '.join(str(v) for v in e['concurrent_p95_ms'])} ms "
            f"| {rates} | {cpu(e, 'concurrent')} | {e['load'][0] if e['load'] else '-'} → "
            f"{e['load'][-1] if e['load'] else '-'} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - `python -m bench --only turns --side ...` is the entry point
    sys.exit("use: python -m bench --only turns --side LABEL=CHECKOUT --side LABEL=CHECKOUT [--rounds N]")
