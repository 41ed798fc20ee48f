"""`python -m bench` (``make bench``): measure the whole product in one run.

Trains a model from scratch (timed), starts its own stack (bot.runner.Stack on free
loopback ports, temp var dir) and, beside it, a stock Rasa serving the same model
(REST channel, no action server). Then, side by side: /model/parse, the stock Rasa,
the product's Rasa and the gateway for general questions and enquiry turns, 20
concurrent conversations, the growth over 200 turns, pyinstrument profiles of the action
server and the gateway, uploads vs raw clamd INSTREAM, service start times and RSS, PDF
rendering, and backend submissions (with the PDF fetched) on SQLite and PostgreSQL.
Prints the targets as ratios and a table; writes reports/bench.json (profiles under
reports/profiles/). ``--quick`` is a small smoke run; ``--only turns,profiles`` runs just
those parts (the stack and the stock Rasa start only when a part needs them).

With ``--only submissions --side LABEL=CHECKOUT[:PROCESSES]`` (repeatable) it compares the
backends of several checkouts (e.g. main before a change and the branch after it) and
render-process counts side by side on SQLite, interleaved over ``--rounds``; writes
reports/bench-submissions.json. With ``--only ready --side LABEL=CHECKOUT`` (repeatable) it
starts each checkout's whole product and a stock Rasa, round by round, and compares the
times to ready (bench/ready.py); writes reports/bench-ready.json. With ``--only turns --side
LABEL=CHECKOUT`` (repeatable) it runs each checkout's stack at once beside a stock Rasa and
sends them the same turns, single and concurrent, round by round, with each service's CPU
per turn (bench/sides.py); writes reports/bench-turns.json. With ``--only training --side
LABEL=CHECKOUT[:FLAGS]`` it trains each checkout's config and data from scratch, round by round,
with wall and CPU seconds (bench/training.py); writes reports/bench-training.json.
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

from bench import profiles, turns
from bench.ready import compare_ready, parse_ready_side, ready_table
from bench.sides import compare_turns, parse_turn_side, turns_table
from bench.rasa_server import RasaServer
from bench.report import machine, table, targets, write_json
from bench.stack import TimedStack, bench_settings
from bench.submissions import bench_submissions, compare_sides, comparison_table, parse_side
from bench.training import bench_training, compare_training, parse_training_side, training_table
from bench.uploads import SIZES, bench_uploads
from bot.config import PROJECT_ROOT
from bot.runner.training import ensure_model

PARTS = ("training", "ready", "turns", "profiles", "uploads", "pdf", "submissions")
STACK_PARTS = {"ready", "turns", "profiles", "uploads"}
FULL = {"concurrency": 20, "single_rounds": 6, "growth_turns": 210, "profile_repeats": 30, "rasa_profile_turns": 42,
        "upload_sizes": SIZES, "upload_repeats": 5, "pdf_n": 50, "submissions": 40}
QUICK = {"concurrency": 3, "single_rounds": 2, "growth_turns": 30, "profile_repeats": 3, "rasa_profile_turns": 7,
         "upload_sizes": (100_000,), "upload_repeats": 1, "pdf_n": 3, "submissions": 4}


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


def measure_turns(report: dict, stack: TimedStack, bare: RasaServer, plan: dict) -> None:
    """Turns side by side: parse, stock Rasa, the product's Rasa, the gateway; concurrency; growth."""
    sides = {"bare_rest": bare.url, "rasa_rest": stack.rasa_url, "gateway": stack.gateway_url}
    turns.single(sides, stack.rasa_url, 1, bare.url)  # warm-up: first-turn costs are not the steady state
    _section(report, "single", lambda: turns.single(sides, stack.rasa_url, plan["single_rounds"], bare.url))
    n = plan["concurrency"]
    _section(report, "concurrent", lambda: {
        "gateway": turns.concurrent(stack.gateway_url, n), "bare_rest": turns.concurrent(bare.url, n),
        "model_parse": turns.concurrent(stack.rasa_url, n, parse=True)})
    _section(report, "growth", lambda: {"gateway": turns.growth(stack.gateway_url, plan["growth_turns"]),
                                        "bare_rest": turns.growth(bare.url, plan["growth_turns"])})


def measure_profiles(stack: TimedStack, plan: dict, work: Path) -> dict:
    """pyinstrument profiles (full text to reports/profiles/) and the action call's cost by tracker size."""
    repeats = plan["profile_repeats"]
    found = {"action_server": profiles.profile_actions(stack.rasa_url, repeats),
             "gateway": profiles.profile_gateway(stack.settings, repeats)}
    folder = PROJECT_ROOT / "reports" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    for name, result in found.items():
        (folder / f"{name}.txt").write_text(result.pop("text"), encoding="utf-8")
    actions_token = stack.settings.actions_token  # the action server runs only calls that show it
    found["action_call_by_tracker"] = profiles.action_call_growth(stack.rasa_url, stack.actions_url, repeats,
                                                                  actions_token)
    found["round_trips"] = profiles.round_trips(stack.rasa_url)
    found["rasa"] = profiles.profile_rasa(stack.model_path, stack.actions_url, work / "rasa-profile",
                                          plan["rasa_profile_turns"], actions_token)
    return found


def measure_stack(report: dict, work: Path, plan: dict, parts: set[str]) -> None:
    """Start the product and a stock Rasa beside it, then the measurements that need them running."""
    model = ensure_model(log=say)
    stack = TimedStack(bench_settings(work / "stack"), model, out=say)
    with stack:
        os.environ["INTAKE_RASA_TOKEN"] = stack.settings.rasa_token  # Rasa's HTTP API (bench/turns.rasa_api)
        # The services start together: "total" is start() until all were ready (wall time).
        report["startup_s"] = {**stack.ready_s, "total": stack.started_in_s}
        report["rss_idle_mib"] = stack.rss_mib()
        if "ready" in parts and "turns" not in parts:
            with RasaServer(model, work / "bare", work / "bare.log", rest_channel=True) as bare:
                report["startup_s"]["stock_rasa"] = round(bare.start_s, 2)
        if "turns" in parts:
            with RasaServer(model, work / "bare", work / "bare.log", rest_channel=True) as bare:
                report["startup_s"]["stock_rasa"] = round(bare.start_s, 2)
                measure_turns(report, stack, bare, plan)
        if "profiles" in parts:
            _section(report, "profiles", lambda: measure_profiles(stack, plan, work))
        if "uploads" in parts:
            _section(report, "uploads", lambda: bench_uploads(stack.gateway_url, stack.settings.clamd_socket,
                                                              plan["upload_repeats"], plan["upload_sizes"],
                                                              stack.log_path("gateway")))
        report["rss_after_load_mib"] = stack.rss_mib()


def run(plan: dict, skip_training: bool, parts: set[str] = set(PARTS)) -> dict:
    """Every measurement in one report dict."""
    from bot.confirmation.bench import bench_render

    report: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "machine": machine(), "plan": {k: list(v) if isinstance(v, tuple) else v for k, v in plan.items()},
                    "parts": [part for part in PARTS if part in parts]}
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        work = Path(tmp)
        if not skip_training and "training" in parts:
            _section(report, "training", lambda: bench_training(work / "train"))
        if parts & STACK_PARTS:
            _section(report, "stack", lambda: measure_stack(report, work, plan, parts))
            report.pop("stack", None)  # measure_stack fills its own keys
        if "pdf" in parts:
            _section(report, "pdf", lambda: bench_render(plan["pdf_n"]))
        if "submissions" in parts:
            _section(report, "submissions", lambda: bench_submissions(work / "submissions", plan["submissions"]))
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = targets(report)
    return report


def run_comparison(plan: dict, sides: list[str], rounds: int) -> tuple[dict, str]:
    """Submissions of several backends side by side (``--side``): the report and its table."""
    report: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                    "plan": {"submissions": plan["submissions"], "rounds": rounds, "sides": sides}}
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        _section(report, "comparison", lambda: compare_sides(Path(tmp), [parse_side(s) for s in sides],
                                                             plan["submissions"], rounds))
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    load = f"load average at start {report['machine']['load_average']}, at end {report['machine']['load_average_end']}"
    return report, f"{load}\n{comparison_table(report.get('comparison', {}))}" if "comparison" in report else load


def run_ready_comparison(sides: list[str], rounds: int) -> tuple[dict, str]:
    """Start to ready of several checkouts and a stock Rasa side by side (``--only ready --side``)."""
    report: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                    "plan": {"rounds": rounds, "sides": sides}}
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        _section(report, "ready", lambda: compare_ready(Path(tmp), [parse_ready_side(s) for s in sides], rounds))
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    load = f"load average at start {report['machine']['load_average']}, at end {report['machine']['load_average_end']}"
    return report, f"{load}\n{ready_table(report['ready'])}" if "ready" in report else load


def run_turns_comparison(sides: list[str], rounds: int, concurrency: int) -> tuple[dict, str]:
    """Turns through several checkouts' stacks and a stock Rasa side by side (``--only turns --side``)."""
    report: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                    "plan": {"rounds": rounds, "sides": sides, "concurrency": concurrency}}
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        _section(report, "turns", lambda: compare_turns(Path(tmp), [parse_turn_side(s) for s in sides], rounds,
                                                        concurrency))
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    load = f"load average at start {report['machine']['load_average']}, at end {report['machine']['load_average_end']}"
    return report, f"{load}\n{turns_table(report['turns'])}" if "turns" in report else load


def run_training_comparison(sides: list[str], rounds: int) -> tuple[dict, str]:
    """`rasa train` of several checkouts side by side, round by round (``--only training --side``)."""
    report: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                    "plan": {"rounds": rounds, "sides": sides}}
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        _section(report, "training", lambda: compare_training(Path(tmp), [parse_training_side(s) for s in sides],
                                                              rounds))
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    load = f"load average at start {report['machine']['load_average']}, at end {report['machine']['load_average_end']}"
    return report, f"{load}\n{training_table(report['training'])}" if "training" in report else load


def parse_parts(value: str) -> set[str]:
    """The parts named in `--only` (comma-separated), each one of PARTS."""
    parts = {part.strip() for part in value.split(",") if part.strip()}
    unknown = parts - set(PARTS)
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"unknown part(s) {sorted(unknown)}; choose from {', '.join(PARTS)}")
    return parts


def main(argv: list[str] | None = None) -> int:
    """Run the suite, print the table, write the JSON; exit 1 when a measurement failed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run (no training, few repeats)")
    parser.add_argument("--skip-training", action="store_true", help="do not time a full rasa train")
    parser.add_argument("--only", type=parse_parts, default=set(PARTS), metavar="PART[,PART]",
                        help=f"run only these parts ({', '.join(PARTS)}), e.g. --only turns")
    parser.add_argument("--side", action="append", default=[], metavar="LABEL=CHECKOUT[:PROCESSES]",
                        help="with --only submissions: a backend to compare; with --only ready or turns: a checkout "
                             "whose stack to start; with --only training: a checkout to train, LABEL=CHECKOUT[:FLAGS] "
                             "(extra rasa train options, comma-separated) (repeatable; first = baseline)")
    parser.add_argument("--rounds", type=int, default=2, help="with --side: interleaved rounds")
    parser.add_argument("--concurrency", type=int, default=FULL["concurrency"],
                        help="with --only turns --side: conversations at once")
    parser.add_argument("--submissions", type=int, help="submissions per measurement (default 40, --quick 4)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    plan = dict(QUICK if args.quick else FULL)
    if args.submissions:
        plan["submissions"] = args.submissions
    if args.side:
        # Each part that compares checkouts side by side: its runner and its report's file.
        comparisons = {
            "ready": (lambda: run_ready_comparison(args.side, args.rounds), "bench-ready.json"),
            "training": (lambda: run_training_comparison(args.side, args.rounds), "bench-training.json"),
            "turns": (lambda: run_turns_comparison(args.side, args.rounds, args.concurrency), "bench-turns.json"),
            "submissions": (lambda: run_comparison(plan, args.side, args.rounds), "bench-submissions.json"),
        }
        part = next(iter(args.only)) if args.only and len(args.only) == 1 else None
        if part not in comparisons:
            parser.error("--side needs --only submissions, --only ready, --only turns or --only training")
        compare, filename = comparisons[part]
        report, text = compare()
        path = write_json(report, args.out or PROJECT_ROOT / "reports" / filename)
        print(text)
        say(f"report written to {path}")
        return 1 if report.get("errors") else 0
    report = run(plan, skip_training=args.skip_training or args.quick, parts=args.only)
    path = write_json(report, args.out or PROJECT_ROOT / "reports" / "bench.json")
    print(table(report))
    say(f"report written to {path}")
    return 1 if report.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
