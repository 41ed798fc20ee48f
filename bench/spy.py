"""Where each service's CPU goes while it serves turns: py-spy over the real processes.

    python -m bench.spy --py-spy /tmp/pyspy/bin/py-spy --load concurrent --seconds 30
    python -m bench.spy --py-spy /tmp/pyspy/bin/py-spy --load general --seconds 30

(`python3 -m pip install --target /tmp/pyspy py-spy`; py-spy is not a dependency.) Starts this
checkout's stack (bench.stack.TimedStack, the real supervisor), warms it, then samples the
gateway, Rasa and the action server (with its Sanic worker) with py-spy for ``--seconds``
while it sends turns through the gateway: ``concurrent`` = 20 scripted conversations at once
(bench/turns.py), over and over; ``general`` = one conversation at a time, general questions
only. py-spy keeps only samples of a thread holding the GIL (``--gil``): a thread waiting in
epoll, on a queue or for the disk is not counted, so the samples are the Python CPU (not the
event loop's own C work); the CPU per turn per service is read from /proc, and each part's
milliseconds are its share of the samples times that. Prints, per service, the
inclusive share of the named parts of a turn and the heaviest functions by own time, and
writes the raw stacks to reports/profiles/spy-<service>-<load>.txt.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from bench import turns
from bench.procs import tree_cpu_seconds
from bench.stack import TimedStack, bench_settings
from bot.config import PROJECT_ROOT
from bot.runner.training import ensure_model

SERVICES = ("gateway", "rasa", "actions")
RATE = 100  # samples per second per process (py-spy pauses the process for each: keep it low)
GENERAL = ["Was kostet eine Verlängerung?", "How much does an extension cost?", "Welche Unterlagen brauche ich?",
           "Which documents do I need?", "Wie lange dauert es?"]
# Named parts of a turn: a sample counts for a part when any frame of its stack contains the
# text ("function (file"). First match per part; parts may overlap (nested).
PARTS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "rasa": [
        ("whole message (handle_message)", ("handle_message (rasa/core/processor.py",)),
        ("NLU (parse_message)", ("parse_message (rasa/core/processor.py",)),
        ("policies (predict_next_with_tracker_if_should)", ("predict_next_with_tracker_if_should (rasa/core/processor.py",)),
        ("tracker store load (fetch_tracker_and_update_session)", ("fetch_tracker_and_update_session (rasa/core/",)),
        ("tracker store save (stream + commit thread)", ("save (bot/windowed_tracker_store.py",
                                                         "_write (bot/windowed_tracker_store.py")),
        ("action-server call (RemoteAction.run)", ("run (rasa/core/actions/action.py",)),
        ("- request body (current_state)", ("current_state (rasa/shared/core/trackers.py",)),
        ("- domain.as_dict", ("as_dict (rasa/shared/core/domain.py",)),
        ("- HTTP client (aiohttp)", ("aiohttp/",)),
        ("- answer validated (jsonschema)", ("jsonschema/",)),
        ("tracker copies (travel_back_in_time)", ("travel_back_in_time (rasa/shared/core/trackers.py",)),
        ("deepcopy", ("deepcopy (copy.py",)),
        ("structlog / logging", ("structlog/", "logging/__init__.py")),
        ("Sanic / HTTP server", ("sanic/", "httptools")),
        ("SQLAlchemy", ("sqlalchemy/",)),
        ("json", ("json/", "ujson")),
    ],
    "actions": [
        ("executor run (rasa_sdk)", ("run (rasa_sdk/executor.py",)),
        ("- Tracker.from_dict", ("from_dict (rasa_sdk/interfaces.py",)),
        ("- the action itself (actions/)", ("(actions/",)),
        ("- conversation model (actions/dialogue)", ("(actions/dialogue/",)),
        ("middlewares (bot/ops/action_server.py)", ("(bot/ops/action_server.py",)),
        ("request JSON (sanic request.json)", ("load_json (sanic/request",)),
        ("Sanic / HTTP server", ("sanic/", "httptools")),
        ("pydantic (model_dump)", ("pydantic",)),
        ("json", ("json/", "ujson")),
        ("logging", ("logging/__init__.py",)),
        ("prometheus metrics", ("prometheus_client/",)),
        ("tracing (opentelemetry)", ("opentelemetry/", "tracing/")),
    ],
    "gateway": [
        ("chat route (bot/gateway/chat.py)", ("(bot/gateway/chat.py",)),
        ("- Rasa call (httpx)", ("httpx/", "httpcore/")),
        ("limits (bot/gateway/limits.py)", ("(bot/gateway/limits.py",)),
        ("identity (HMAC)", ("(bot/gateway/identity.py",)),
        ("FastAPI / Starlette / pydantic", ("fastapi/", "starlette/", "pydantic")),
        ("uvicorn / HTTP server", ("uvicorn/", "h11/", "httptools")),
        ("metrics / request ids (bot/ops)", ("(bot/ops/",)),
        ("logging", ("logging/__init__.py",)),
        ("json", ("json/",)),
        ("asyncio event loop", ("asyncio/",)),
    ],
}


def read_raw(path: Path) -> Counter:
    """py-spy's raw output (collapsed stacks: 'frame;frame;... count') as a Counter of stacks."""
    stacks: Counter = Counter()
    if not path.exists():
        return stacks
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def summarise(stacks: Counter, parts: list[tuple[str, tuple[str, ...]]], top: int = 15) -> dict:
    """Inclusive share of each named part and the heaviest functions by own (leaf) time."""
    total = sum(stacks.values()) or 1
    shares: dict[str, float] = {}
    for label, needles in parts:
        hits = sum(count for stack, count in stacks.items() if any(needle in stack for needle in needles))
        shares[label] = round(hits / total, 3)
    own: Counter = Counter()
    for stack, count in stacks.items():
        own[stack.rsplit(";", 1)[-1]] += count
    return {"samples": total, "parts": shares,
            "own": [{"function": name, "share": round(count / total, 3)} for name, count in own.most_common(top)]}


async def _concurrent_until(url: str, deadline: float, concurrency: int) -> int:
    """20 scripted conversations at once, again and again until the deadline; turns sent."""
    sent = 0
    limits = httpx.Limits(max_connections=concurrency + 5)
    async with httpx.AsyncClient(limits=limits) as client:
        while time.monotonic() < deadline:
            samples: dict[str, list[float]] = {}
            await asyncio.gather(*(turns.run_script(client, turns.webhook(url), ("de", "en")[i % 2], samples)
                                   for i in range(concurrency)))
            sent += sum(len(v) for v in samples.values())
    return sent


async def _general_until(url: str, deadline: float) -> int:
    """General questions in one conversation at a time (a new one every 10 turns); turns sent."""
    sent = 0
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            sender = f"bench-spy-{uuid.uuid4().hex}"
            for number in range(10):
                text = GENERAL[number % len(GENERAL)]
                await turns.post_turn(client, turns.webhook(url), turns.rest_body(sender, text, "de"))
                sent += 1
    return sent


def spy(py_spy: Path, load: str, seconds: float, concurrency: int = 20, out=print) -> dict:
    """Start the stack, warm it, sample the services under load; the summary per service."""
    model = ensure_model(log=lambda line: None)
    folder = PROJECT_ROOT / "reports" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="intake-bench-spy-") as tmp:
        stack = TimedStack(bench_settings(Path(tmp)), model, out=lambda line: None)
        with stack:
            url = stack.gateway_url
            asyncio.run(_concurrent_until(url, time.monotonic() + 5, 4))  # warm: imports, caches, domain
            pids = {name: stack.pid(name) for name in SERVICES}
            raws = {name: folder / f"spy-{name}-{load}.txt" for name in SERVICES}
            spies = [subprocess.Popen([str(py_spy), "record", "--pid", str(pid), "--duration", str(int(seconds)),
                                       "--rate", str(RATE), "--format", "raw", "--nolineno", "--subprocesses",
                                       "--gil", "--output", str(raws[name])],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for name, pid in pids.items()]
            time.sleep(1.0)  # py-spy attached
            before = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
            load_before = [round(x, 2) for x in __import__("os").getloadavg()]
            started = time.monotonic()
            deadline = started + seconds - 2
            sent = asyncio.run(_concurrent_until(url, deadline, concurrency) if load == "concurrent"
                               else _general_until(url, deadline))
            wall = time.monotonic() - started
            cpu = {name: round((tree_cpu_seconds(pid) - before[name]) * 1000 / max(1, sent), 2)
                   for name, pid in pids.items()}
            load_after = [round(x, 2) for x in __import__("os").getloadavg()]
            for process in spies:
                process.wait(timeout=seconds + 60)
    result = {"load": load, "turns": sent, "wall_s": round(wall, 1), "turns_per_s": round(sent / wall, 2),
              "cpu_ms_per_turn": {**cpu, "total": round(sum(cpu.values()), 2)},
              "load_average": [load_before, load_after], "services": {}}
    for name in SERVICES:
        summary = summarise(read_raw(raws[name]), PARTS[name])
        summary["cpu_ms_per_turn"] = cpu[name]
        result["services"][name] = summary
    (folder / f"spy-{load}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def report_text(result: dict) -> str:
    """The summary as plain text: per service CPU per turn, parts in % and ms, heaviest functions."""
    lines = [f"{result['load']}: {result['turns']} turns in {result['wall_s']} s ({result['turns_per_s']}/s), "
             f"load {result['load_average'][0]} -> {result['load_average'][1]}; CPU ms/turn {result['cpu_ms_per_turn']}"]
    for name, entry in result["services"].items():
        ms = entry["cpu_ms_per_turn"]
        lines.append(f"\n{name}: {ms} ms CPU per turn, {entry['samples']} samples")
        for label, share in entry["parts"].items():
            lines.append(f"  {share:6.1%}  {share * ms:6.2f} ms  {label}")
        lines.append("  heaviest own time:")
        for item in entry["own"]:
            lines.append(f"  {item['share']:6.1%}  {item['function']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.spy", description=__doc__.splitlines()[0])
    parser.add_argument("--py-spy", type=Path, default=Path("/tmp/pyspy/bin/py-spy"))
    parser.add_argument("--load", choices=("concurrent", "general"), default="concurrent")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.py_spy.exists():
        parser.error(f"{args.py_spy} not found: python3 -m pip install --target /tmp/pyspy py-spy")
    print(report_text(spy(args.py_spy, args.load, args.seconds, args.concurrency)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
