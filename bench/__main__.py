"""`python -m bench` (``make bench``): measure the whole product in one run.

Trains a model from scratch (timed), starts its own stack (bot.runner.Stack on free
loopback ports, temp var dir), then measures chat turns vs bare /model/parse at 1 and 20
concurrent conversations, gateway uploads vs raw clamd INSTREAM (1 MB, 10 MB), service
start times and RSS, PDF rendering, and backend submissions on SQLite and PostgreSQL.
Prints a table and writes reports/bench.json. ``--quick`` is a small smoke run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from bench.chat import bench_chat, chat_turns
from bench.report import machine, table, write_json
from bench.stack import TimedStack, bench_settings
from bench.submissions import bench_submissions
from bench.training import bench_training
from bench.uploads import SIZES, bench_uploads
from bot.config import PROJECT_ROOT
from bot.runner.training import ensure_model

FULL = {"concurrencies": (1, 20), "single_rounds": 4, "upload_sizes": SIZES, "upload_repeats": 5,
        "pdf_n": 50, "submissions": 30}
QUICK = {"concurrencies": (1, 3), "single_rounds": 1, "upload_sizes": (100_000,), "upload_repeats": 1,
         "pdf_n": 3, "submissions": 3}


def say(line: str) -> None:
    """Progress on stderr, so stdout is just the table."""
    print(f"bench: {line}", file=sys.stderr, flush=True)


def _section(report: dict, name: str, measure: Callable[[], object]) -> None:
    """Run one measurement; a failure is recorded and the others still run."""
    say(f"{name} ...")
    started = time.monotonic()
    try:
        report[name] = measure()
    except Exception as error:  # noqa: BLE001 - reported, the suite goes on
        report.setdefault("errors", {})[name] = f"{type(error).__name__}: {error}"
        say(f"{name} failed:\n{traceback.format_exc(limit=3)}")
    say(f"{name} done in {time.monotonic() - started:.0f} s")


def measure_stack(report: dict, work: Path, plan: dict) -> None:
    """Start the product, then the measurements that need it running."""
    model = ensure_model(log=say)
    stack = TimedStack(bench_settings(work / "stack"), model, out=say)
    with stack:
        report["startup_s"] = stack.ready_s
        report["rss_idle_mib"] = stack.rss_mib()
        chat_turns(stack.gateway_url, 1)  # warm-up conversation: first-turn costs are not the steady state
        _section(report, "chat", lambda: bench_chat(stack.gateway_url, stack.rasa_url, plan["concurrencies"],
                                                    plan["single_rounds"], stack.settings.rasa_token))
        _section(report, "uploads", lambda: bench_uploads(stack.gateway_url, stack.settings.clamd_socket,
                                                          plan["upload_repeats"], plan["upload_sizes"],
                                                          stack.log_path("gateway")))
        report["rss_after_load_mib"] = stack.rss_mib()


def run(plan: dict, skip_training: bool) -> dict:
    """Every measurement in one report dict."""
    from bot.confirmation.bench import bench_render

    report: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "machine": machine(), "plan": {k: list(v) if isinstance(v, tuple) else v for k, v in plan.items()}}
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        work = Path(tmp)
        if not skip_training:
            _section(report, "training", lambda: bench_training(work / "train"))
        _section(report, "stack", lambda: measure_stack(report, work, plan))
        report.pop("stack", None)  # measure_stack fills its own keys
        _section(report, "pdf", lambda: bench_render(plan["pdf_n"]))
        _section(report, "submissions", lambda: bench_submissions(work / "submissions", plan["submissions"]))
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the suite, print the table, write the JSON; exit 1 when a measurement failed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run (no training, few repeats)")
    parser.add_argument("--skip-training", action="store_true", help="do not time a full rasa train")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "bench.json")
    args = parser.parse_args(argv)
    report = run(QUICK if args.quick else FULL, skip_training=args.skip_training or args.quick)
    path = write_json(report, args.out)
    print(table(report))
    say(f"report written to {path}")
    return 1 if report.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
