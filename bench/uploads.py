"""Upload to verdict through the gateway's POST /api/uploads vs raw clamd INSTREAM of the same size.

Every upload is fresh random bytes behind a PDF header: clamd caches verdicts of clean files.
The gateway path includes sniffing, limits, scanning, storing in the backend and telling the
conversation (one Rasa turn), so the ratio shows what the product adds to the scan itself.
"""

from __future__ import annotations

import asyncio
import os
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
    form = {"sender": f"bench-{uuid.uuid4().hex[:12]}", "language": "en"}
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


def bench_uploads(gateway_url: str, clamd_socket: Path, repeats: int = 5, sizes=SIZES) -> dict:
    """Gateway upload vs raw INSTREAM, `repeats` times per size, alternating the two paths."""
    results = {}
    with httpx.Client() as client:
        for size in sizes:
            gateway, raw, refused = [], [], 0
            for _ in range(repeats):
                seconds, accepted = gateway_upload(client, gateway_url, payload(size))
                gateway.append(seconds)
                refused += not accepted
                raw.append(raw_instream(clamd_socket, payload(size)))
            entry = {"gateway_upload": summary_ms(gateway), "raw_instream": summary_ms(raw), "refused": refused}
            entry["ratio_p50"] = ratio(entry["gateway_upload"]["p50_ms"], entry["raw_instream"]["p50_ms"])
            results[str(size)] = entry
    return results
