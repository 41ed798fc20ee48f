"""The benchmark report: machine description, a printed table and reports/bench.json."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path


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
        rows.append(("rasa train (no cache)", f"{training['train_s']} s, model {training['model_mib']} MiB"))
    for service, seconds in report.get("startup_s", {}).items():
        rows.append((f"start to ready: {service}", f"{seconds} s"))
    for label, key in (("RSS idle", "rss_idle_mib"), ("RSS after load", "rss_after_load_mib")):
        if rss := report.get(key):
            rows.append((f"{label} (MiB)", ", ".join(f"{k} {v}" for k, v in rss.items())))
    for concurrency, entry in report.get("chat", {}).items():
        turn, parse = entry["chat_turn"], entry["model_parse"]
        rows.append((f"chat turn, {concurrency} concurrent", f"p50 {turn['p50_ms']} ms, p95 {turn['p95_ms']} ms, "
                     f"{turn['per_s']} turns/s, {turn['failures']} failed"))
        rows.append((f"/model/parse, {concurrency} concurrent", f"p50 {parse['p50_ms']} ms, p95 {parse['p95_ms']} ms, "
                     f"{parse['per_s']} parses/s; turn/parse p50 ratio {entry['ratio_p50']}"))
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
                             f"{run['per_s']}/s, p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms, {run['failures']} failed"
                             + (f" {run['failed_by_status']}" if run.get("failed_by_status") else "")))
    return rows


def table(report: dict) -> str:
    """The report as an aligned two-column text table."""
    rows = _rows(report)
    width = max((len(name) for name, _ in rows), default=10)
    load = report.get("machine", {}).get("load_average")
    head = [f"bench on {report.get('machine', {}).get('cores')} cores, load at start {_cell(load)}"]
    return "\n".join(head + [f"{name:<{width}}  {value}" for name, value in rows])


def write_json(report: dict, path: Path) -> Path:
    """Write the report as JSON (UTF-8, indented)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
