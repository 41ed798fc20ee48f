"""Benchmark: upload to verdict through accept_upload vs raw clamd INSTREAM of the same size.

Run ``.venv/bin/python -m bot.scanning.bench``. Starts its own clamd and the real
backend (SQLite) in a temporary directory. Every measurement uses fresh random bytes,
because clamd caches the verdicts of clean files.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import clamd as clamd_client

from bot.config import Settings
from bot.scanning.clamd_process import ClamdProcess
from bot.scanning.intake import UploadIntake
from bot.scanning.scanner import Scanner, instream, parse_reply

PDF_HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def _payload(size: int) -> bytes:
    """Unique content that sniffs as PDF."""
    return PDF_HEADER + os.urandom(size - len(PDF_HEADER))


def _stats(samples_s: list[float]) -> dict[str, float]:
    """Median, min and max in milliseconds."""
    ms = [s * 1000 for s in samples_s]
    return {"median_ms": round(statistics.median(ms), 1), "min_ms": round(min(ms), 1), "max_ms": round(max(ms), 1)}


class _Backend:
    """The real backend app under uvicorn in a thread."""

    def __init__(self, settings: Settings) -> None:
        import uvicorn

        from bot.backend.app import create_app

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "_Backend":
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("backend did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


async def _timed(awaitable) -> float:
    started = time.perf_counter()
    await awaitable
    return time.perf_counter() - started


async def _raw_scan(socket_path: Path, data: bytes) -> None:
    """Our INSTREAM alone, reply parsed (no sniffing, hashing or storage)."""
    clean, _ = parse_reply(await instream(socket_path, data))
    if not clean:
        raise RuntimeError("bench payload not clean")


def _client_scan(socket_path: Path, data: bytes) -> None:
    """The clamd 1.0.2 package's INSTREAM (blocking)."""
    import io

    clamd_client.ClamdUnixSocket(path=str(socket_path), timeout=60).instream(io.BytesIO(data))


async def _measure(settings: Settings, sizes, repeats: int) -> dict:
    """The timings of each path for each size."""
    intake = UploadIntake(settings, Scanner(settings))
    results: dict = {}
    for size in sizes:
        upload, raw, client, steps = [], [], [], {}
        for _ in range(repeats):
            data = _payload(size)
            started = time.perf_counter()
            outcome = await intake.accept_upload(f"bench-{uuid.uuid4().hex}", "bench.pdf", data, None)
            upload.append(time.perf_counter() - started)
            if not outcome.accepted:
                raise RuntimeError(f"bench upload not accepted: {outcome.code.value}")
            for step, ms in outcome.timings_ms.items():
                steps.setdefault(step, []).append(ms)
            raw.append(await _timed(_raw_scan(settings.clamd_socket, _payload(size))))
            client.append(await _timed(asyncio.to_thread(_client_scan, settings.clamd_socket, _payload(size))))
        entry = {
            "accept_upload": _stats(upload),
            "raw_instream": _stats(raw),
            "clamd_client_thread": _stats(client),
            "accept_upload_steps_median_ms": {k: round(statistics.median(v), 1) for k, v in steps.items()},
        }
        entry["ratio_upload_to_raw"] = round(entry["accept_upload"]["median_ms"] / entry["raw_instream"]["median_ms"], 2)
        results[size] = entry
    return results


def bench_upload(sizes=(1_000_000, 10_000_000), repeats: int = 5) -> dict:
    """Time upload-to-verdict (accept_upload with storage) against raw INSTREAM per size."""
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        var_dir = Path(tmp)
        settings = Settings(var_dir=var_dir, backend_database_url=f"sqlite:///{var_dir / 'bench.sqlite3'}",
                            internal_token=secrets.token_urlsafe(32),  # the backend refuses a missing one
                            upload_max_file_bytes=max(sizes), upload_max_total_bytes=max(sizes))
        with ClamdProcess.from_settings(settings) as process, _Backend(settings) as backend:
            settings = settings.model_copy(update={"backend_url": backend.url})
            results = asyncio.run(_measure(settings, sizes, repeats))
            return {"clamd_startup_s": round(process.startup_s, 3), "repeats": repeats, "sizes": results}


def main() -> None:
    """Print the benchmark as a table."""
    report = bench_upload()
    print(f"clamd startup: {report['clamd_startup_s'] * 1000:.0f} ms; {report['repeats']} repeats, medians (min-max) ms")
    print(f"{'size':>12} {'accept_upload':>22} {'raw INSTREAM':>22} {'clamd pkg+thread':>22} {'ratio':>6}")
    for size, entry in report["sizes"].items():
        cells = [f"{e['median_ms']:.0f} ({e['min_ms']:.0f}-{e['max_ms']:.0f})"
                 for e in (entry["accept_upload"], entry["raw_instream"], entry["clamd_client_thread"])]
        print(f"{size:>12,} {cells[0]:>22} {cells[1]:>22} {cells[2]:>22} {entry['ratio_upload_to_raw']:>6}")
        print(f"{'':>12} accept_upload steps (median ms): {entry['accept_upload_steps_median_ms']}")


if __name__ == "__main__":
    main()
