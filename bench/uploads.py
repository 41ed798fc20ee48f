"""Upload to verdict through the gateway's POST /api/uploads vs raw clamd INSTREAM of the same size.

Every upload is fresh random bytes behind a PDF header: clamd caches verdicts of clean files.
The gateway path includes sniffing, limits, scanning, storing in the backend and telling the
conversation (one Rasa turn), so the ratio shows what the product adds to the scan itself.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
import statistics
import time
import uuid
from pathlib import Path

import httpx

from bench.stats import ratio, summary_ms
from bot.scanning.bench import PDF_HEADER
from bot.scanning.scanner import instream, parse_reply

SIZES = (1_000_000, 10_000_000)
UPLOAD_TIMEOUT_S = 120.0


def payload(size: int) -> bytes:
    """Unique content of exactly `size` bytes that sniffs as PDF."""
    return PDF_HEADER + os.urandom(size - len(PDF_HEADER))


def gateway_upload(client: httpx.Client, gateway_url: str, data: bytes) -> tuple[float, bool]:
    """POST one file for a fresh conversation; (seconds, accepted)."""
    form = {"sender": f"bench-{uuid.uuid4().hex}", "language": "en"}
    # Files are accepted only in a live conversation: one chat turn first (not timed).
    client.post(f"{gateway_url}/webhooks/rest/webhook", timeout=UPLOAD_TIMEOUT_S,
                json={"sender": form["sender"], "message": "Hallo", "metadata": {"language": "en"}})
    started = time.perf_counter()
    response = client.post(f"{gateway_url}/api/uploads", data=form,
                           files={"file": ("bench.pdf", data, "application/pdf")}, timeout=UPLOAD_TIMEOUT_S)
    seconds = time.perf_counter() - started
    accepted = response.status_code < 300 and bool(response.json().get("accepted"))
    return seconds, accepted


def raw_instream(socket_path: Path, data: bytes) -> float:
    """Seconds for INSTREAM of data to clamd over the unix socket, reply parsed."""
    started = time.perf_counter()
    clean, _ = parse_reply(asyncio.run(instream(socket_path, data)))
    if not clean:
        raise RuntimeError("benchmark payload was not clean")
    return time.perf_counter() - started


_STEPS = re.compile(r"upload outcome=accepted size=(\d+) .*timings_ms=(\{.*\})")


def intake_steps(gateway_log: Path | None, offset: int, size: int) -> dict[str, float]:
    """Median ms per step (list, scan, store, total) the gateway's upload intake logged for this size."""
    if gateway_log is None or not gateway_log.exists():
        return {}
    with open(gateway_log, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        found = [ast.literal_eval(m.group(2)) for line in log if (m := _STEPS.search(line)) and int(m.group(1)) == size]
    steps = {name for timings in found for name in timings}
    return {name: round(statistics.median(t[name] for t in found if name in t), 1) for name in sorted(steps)}


def bench_uploads(gateway_url: str, clamd_socket: Path, repeats: int = 5, sizes=SIZES,
                  gateway_log: Path | None = None) -> dict:
    """Gateway upload vs raw INSTREAM, `repeats` times per size, alternating the two paths.

    With the gateway's log, the intake's own step timings (verdict and storage, without
    telling the conversation) are added from its `upload outcome=` lines.
    """
    results = {}
    with httpx.Client() as client:
        for size in sizes:
            offset = gateway_log.stat().st_size if gateway_log and gateway_log.exists() else 0
            gateway, raw, refused = [], [], 0
            for _ in range(repeats):
                seconds, accepted = gateway_upload(client, gateway_url, payload(size))
                gateway.append(seconds)
                refused += not accepted
                raw.append(raw_instream(clamd_socket, payload(size)))
            entry = {"gateway_upload": summary_ms(gateway), "raw_instream": summary_ms(raw), "refused": refused,
                     "intake_steps_p50_ms": intake_steps(gateway_log, offset, size)}
            entry["ratio_p50"] = ratio(entry["gateway_upload"]["p50_ms"], entry["raw_instream"]["p50_ms"])
            results[str(size)] = entry
    return results
