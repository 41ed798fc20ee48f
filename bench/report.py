"""The benchmark report: machine description, a printed table and reports/bench.json."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from bench.stats import ratio


def machine() -> dict:
    """CPU, cores, memory and current load (the machine is shared: load matters)."""
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
        mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kib = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1),
            "python": platform.python_version(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def _cell(value) -> str:
    """A number or '-' for missing values."""
    return "-" if value is None else str(value)


def _rows(report: dict) -> list[tuple[str, str]]:
    """(measurement, value) pairs of everything measured."""
    rows: list[tuple[str, str]] = []
    for name, section in report.get("errors", {}).items():
        rows.append((f"{name}: FAILED", section))
    if training := report.get("training"):
        rows.append(("rasa train (no cache)", f"{training['train_s']} s wall, {training.get('train_cpu_s', '-')} s CPU, "
                     f"model {training['model_mib']} MiB"))
    for service, seconds in report.get("startup_s", {}).items():
        rows.append((f"start to ready: {service}", f"{seconds} s"))
    for label, key in (("RSS idle", "rss_idle_mib"), ("RSS after load", "rss_after_load_mib")):
        if rss := report.get(key):
            rows.append((f"{label} (MiB)", ", ".join(f"{k} {v}" for k, v in rss.items())))
    rows += _turn_rows(report)
    for size, entry in report.get("uploads", {}).items():
        up, raw = entry["gateway_upload"], entry["raw_instream"]
        rows.append((f"upload {int(size):,} B", f"gateway p50 {up['p50_ms']} ms (p95 {up['p95_ms']}), raw INSTREAM "
                     f"p50 {raw['p50_ms']} ms (p95 {raw['p95_ms']}), ratio {entry['ratio_p50']}, refused {entry['refused']}"))
        if steps := entry.get("intake_steps_p50_ms"):
            rows.append((f"upload {int(size):,} B intake steps", ", ".join(f"{k} {v} ms" for k, v in steps.items())))
    if pdf := report.get("pdf"):
        rows.append(("confirmation PDF render", f"median {pdf['median_ms']} ms, p95 {pdf['p95_ms']} ms (n={pdf['n']})"))
    for database, entry in report.get("submissions", {}).items():
        if "skipped" in entry:
            rows.append((f"submissions {database}", f"skipped: {entry['skipped']}"))
            continue
        for concurrency, run in entry.items():
            if concurrency != "start_s":
                rows.append((f"submissions {database}, {concurrency} concurrent",
                             f"{run['per_s']} receipts/s ({run.get('pdfs_per_s', '-')}/s with every PDF fetched), "
                             f"receipt p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms; PDF "
                             f"p50 {_get(run, 'pdf', 'p50_ms')} ms, p95 {_get(run, 'pdf', 'p95_ms')} ms; {run['failures']} failed"
                             + (f" {run['failed_by_status']}" if run.get("failed_by_status") else "")))
    return rows


SIDES = {"model_parse": "/model/parse", "stock_parse": "stock Rasa /model/parse (NLU without our speed-ups)",
         "bare_rest": "stock Rasa REST (no actions)",
         "rasa_rest": "product Rasa REST", "gateway": "gateway"}


def _turn_rows(report: dict) -> list[tuple[str, str]]:
    """Turns by kind and side, concurrency, growth and the action call by tracker size."""
    rows: list[tuple[str, str]] = []
    single = report.get("single", {})
    parse = single.get("model_parse", {})
    for kind in ("general", "enquiry"):
        for side, label in SIDES.items():
            if entry := single.get(side, {}).get(kind):
                times = ratio(entry["p50_ms"], parse.get(kind, {}).get("p50_ms", 0))
                rows.append((f"{kind} turn, {label}", f"p50 {entry['p50_ms']} ms, p95 {entry['p95_ms']} ms "
                             f"(n={entry['n']}); {times}x parse"))
    for side, entry in report.get("concurrent", {}).items():
        rows.append((f"{entry['concurrency']} concurrent, {SIDES.get(side, side)}",
                     f"p50 {entry['p50_ms']} ms, p95 {entry['p95_ms']} ms, {entry['per_s']}/s, "
                     f"{entry['failures']} failed"))
    for side, entry in report.get("growth", {}).items():
        rows.append((f"growth, {SIDES.get(side, side)}", f"turn 10 p50 {entry['turn_10']['p50_ms']} ms, turn "
                     f"{entry['late_turn']} p50 {entry['late']['p50_ms']} ms; ratio {entry['ratio_p50']}"))
    profiles = report.get("profiles", {})
    if calls := profiles.get("action_call_by_tracker"):
        rows.append(("action server call by tracker size", f"turn 10 ({calls['turn_10']['events']} events, "
                     f"{calls['turn_10']['request_kib']} KiB) p50 {calls['turn_10']['p50_ms']} ms; turn 200 "
                     f"({calls['turn_200']['events']} events, {calls['turn_200']['request_kib']} KiB) p50 "
                     f"{calls['turn_200']['p50_ms']} ms; ratio {calls['ratio_p50']}"))
    if trips := profiles.get("round_trips"):
        rows.append(("action-server calls per turn", "; ".join(f"{kind} {entry['per_turn']}"
                                                              for kind, entry in trips.items())))
    if rasa := profiles.get("rasa"):
        rows.append(("profile rasa (cProfile, ms per turn)", f"{rasa['per_turn_ms']} ms/turn unprofiled; "
                     + "; ".join(f"{part} {ms}" for part, ms in rasa["parts_ms_per_turn"].items())))
        for kind, parts in (rasa.get("spans_ms_by_kind") or {}).items():
            rows.append((f"spans in Rasa, {kind} (median ms)", "; ".join(
                f"{part} {value}" for part, value in parts.items() if part != "turns")))
    for name in ("action_server", "gateway"):
        if entry := profiles.get(name):
            heaviest = "; ".join(f"{f['function']} {f['share']:.0%}" for f in entry["top"][:3])
            rows.append((f"profile {name}", f"{entry['per_turn_ms']} ms/turn in process, "
                         f"{entry.get('cpu_ms_per_turn', '-')} ms CPU; top: {heaviest}"))
    return rows


def _get(report: dict, *path: str):
    """report[path...] or None."""
    for key in path:
        if not isinstance(report, dict) or key not in report:
            return None
        report = report[key]
    return report


def targets(report: dict) -> list[dict]:
    """The issue's targets: what was measured, the goal, and whether it was met (None: not measured)."""
    def p50(side, kind):
        return _get(report, "single", side, kind, "p50_ms")

    def check(name, value, goal, ok):
        met = None if value is None else bool(ok(value))
        return {"target": name, "measured": value, "goal": goal, "met": met}

    general = p50("gateway", "general") and p50("model_parse", "general") and \
        ratio(p50("gateway", "general"), p50("model_parse", "general"))
    general_stock = p50("gateway", "general") and p50("stock_parse", "general") and \
        ratio(p50("gateway", "general"), p50("stock_parse", "general"))
    enquiry = p50("gateway", "enquiry") and p50("model_parse", "enquiry") and \
        ratio(p50("gateway", "enquiry"), p50("model_parse", "enquiry"))
    gateway_rate, bare_rate = _get(report, "concurrent", "gateway", "per_s"), _get(report, "concurrent", "bare_rest", "per_s")
    rate_ratio = ratio(gateway_rate, bare_rate) if gateway_rate and bare_rate else None
    submissions = _get(report, "submissions", "sqlite", "8", "per_s")
    pdfs = _get(report, "submissions", "sqlite", "8", "pdfs_per_s")
    training = _get(report, "training", "train_s")
    ready = _get(report, "startup_s", "total")
    return [
        check("general question / parse (p50)", general, "<= 3x", lambda v: v <= 3),
        # Reference, not the target: the same turn over the stock Rasa's parse of the same model,
        # whose NLU lacks bot/rasa_speedups.py's classifier layout (the product's parse is faster).
        check("(reference) general question / stock Rasa's parse (p50)", general_stock, "<= 3x", lambda v: v <= 3),
        check("enquiry turn / parse (p50)", enquiry, "<= 5x", lambda v: v <= 5),
        check("20 concurrent enquiries p95 (ms)", _get(report, "concurrent", "gateway", "p95_ms"), "<= 500",
              lambda v: v <= 500),
        check("20 concurrent turns/s, gateway / stock Rasa", rate_ratio, ">= 1", lambda v: v >= 1),
        check("turn 200 / turn 10 (p50)", _get(report, "growth", "gateway", "ratio_p50"), "<= 1.2",
              lambda v: v <= 1.2),
        check("submissions/s (receipts), SQLite, 8 clients", submissions, ">= 10", lambda v: v >= 10),
        check("the same until every PDF was fetched (/s)", pdfs, ">= 10", lambda v: v >= 10),
        check("training (s)", training, "<= 30", lambda v: v <= 30),
        check("start to ready, cached model (s)", ready, "<= 10", lambda v: v <= 10),
    ]


def target_table(report: dict) -> str:
    """The targets as a Markdown table."""
    lines = ["| target | measured | goal | met |", "|---|---|---|---|"]
    for entry in report.get("targets") or targets(report):
        met = {True: "yes", False: "**no**", None: "-"}[entry["met"]]
        lines.append(f"| {entry['target']} | {_cell(entry['measured'])} | {entry['goal']} | {met} |")
    return "\n".join(lines)


def table(report: dict) -> str:
    """The report as an aligned two-column text table."""
    rows = _rows(report)
    width = max((len(name) for name, _ in rows), default=10)
    load = report.get("machine", {}).get("load_average")
    end = report.get("machine", {}).get("load_average_end")
    head = [f"bench on {report.get('machine', {}).get('cores')} cores, load at start {_cell(load)}, at end {_cell(end)}"]
    return "\n".join(head + [f"{name:<{width}}  {value}" for name, value in rows] + ["", target_table(report)])


def write_json(report: dict, path: Path) -> Path:
    """Write the report as JSON (UTF-8, indented)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
