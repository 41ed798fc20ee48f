"""Backend case submissions per second on SQLite and on PostgreSQL.

The real backend (``python -m bot.backend``) runs as its own process on a free port with a
fresh database; clients POST /internal/cases with unique (fictitious) persons, so every
submission creates a case and routes it. Receipts per second count durable cases; then
every PDF is fetched with its receipt's download token (rendered after the commit, so a
fetch may wait for it): ``pdfs_per_s`` is cases per second until the last PDF was in hand.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import subprocess
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx

from bench.procs import cpu_seconds, tree_cpu_seconds
from bench.stats import summary_ms
from bot.config import PROJECT_ROOT, Settings
from bot.runner.environment import APP_PYTHON, child_env, free_port
from bot.runner.readiness import http_ok

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
START_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 60.0


def submission(number: int) -> dict:
    """A valid CaseSubmission body for a person nobody else submits."""
    unique = uuid.uuid4().hex[:10]
    return {
        "idempotency_key": f"bench-{unique}-{number}", "conversation_id": f"bench-{unique}",
        "channel": "rest", "language": ("de", "en")[number % 2],
        "concern": "residence_permit_extension", "purpose": "study",
        "given_names": "Bench", "family_name": f"Person {unique}", "date_of_birth": "1990-05-17",
        "nationality": "TUR", "email": "bench.person@example.org", "address": "Musterstraße 12, 10115 Berlin",
        "title_kind": "residence_permit", "title_expiry": date(date.today().year + 1, 6, 30).isoformat(),
    }  # fmt: skip


@contextmanager
def postgres_database():
    """A throwaway PostgreSQL database on 127.0.0.1:5432; yields its SQLAlchemy URL, drops it after."""
    import psycopg

    name = f"intake_bench_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def backend_process(var_dir: Path, database_url: str, checkout: Path | None = None,
                    render_processes: int | None = None):
    """`python -m bot.backend` on a free port with this database; yields (url, token, start seconds, pid).

    ``checkout``: run another checkout's backend (its code and its .venv), e.g. main beside a
    branch, so a before/after comparison runs in the same minutes; ``render_processes``:
    INTAKE_PDF_RENDER_PROCESSES (default: this checkout's default).
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    overrides = {} if render_processes is None else {"pdf_render_processes": render_processes}
    settings = Settings(var_dir=var_dir, host="127.0.0.1", backend_port=free_port(),
                        internal_token=secrets.token_urlsafe(32), backend_database_url=database_url, **overrides)
    url = f"http://127.0.0.1:{settings.backend_port}"
    python = APP_PYTHON if checkout is None else checkout / ".venv" / "bin" / "python"
    started = time.monotonic()
    with open(var_dir / "backend.log", "ab") as log:
        process = subprocess.Popen([str(python), "-m", "bot.backend"], env=child_env(settings),
                                   cwd=checkout or PROJECT_ROOT,
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        while not http_ok(f"{url}/health"):
            if process.poll() is not None or time.monotonic() - started > START_TIMEOUT_S:
                raise RuntimeError(f"backend did not start; see {var_dir / 'backend.log'}")
            time.sleep(0.1)
        yield url, settings.internal_token, time.monotonic() - started, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _submit_many(url: str, token: str, count: int, concurrency: int, fetch: str = "after") -> dict:
    """POST `count` submissions with `concurrency` clients and fetch every PDF.

    ``fetch="after"``: every client submits, then all PDFs are fetched; ``per_s`` counts
    receipts (the case is durable), ``pdfs_per_s`` cases from the first submission until
    the last PDF was in hand. ``fetch="immediately"``: each client asks for its PDF right
    after its receipt, as the Telegram bridge does, before its next submission;
    ``per_s`` and ``pdfs_per_s`` are then both complete submissions (receipt and PDF).
    A PDF counts as ready when asked only if the first request returned it.
    """
    numbers = iter(range(count))
    latencies: list[float] = []  # submission: request to receipt
    pdf_latencies: list[float] = []  # then: request to PDF bytes
    failed: dict[str, int] = {}  # HTTP status (or error name) -> count
    headers = {"X-Internal-Token": token}
    receipts: list[tuple[str, str]] = []  # (download token, conversation id)

    async def timed(latencies_list: list[float], request) -> httpx.Response:
        started = time.perf_counter()
        try:
            return await request
        finally:
            latencies_list.append(time.perf_counter() - started)

    async def submitter(client: httpx.AsyncClient) -> None:
        for number in numbers:  # shared iterator: each number is taken once
            body = submission(number)
            try:
                response = await timed(latencies, client.post(f"{url}/internal/cases", json=body, headers=headers,
                                                              timeout=REQUEST_TIMEOUT_S))
            except httpx.HTTPError as error:
                failed[type(error).__name__] = failed.get(type(error).__name__, 0) + 1
                continue
            if response.status_code != 201:
                failed[str(response.status_code)] = failed.get(str(response.status_code), 0) + 1
                continue
            receipts.append((response.json()["download_token"], body["conversation_id"]))
            if fetch == "immediately":
                await fetcher(client, receipts[-1:])

    async def fetcher(client: httpx.AsyncClient, mine: list[tuple[str, str]]) -> None:
        for token_, conversation in mine:
            pdf = None
            try:
                pdf = await timed(pdf_latencies, client.get(f"{url}/internal/confirmations/{token_}",
                                                            params={"conversation_id": conversation}, headers=headers,
                                                            timeout=REQUEST_TIMEOUT_S))
                ok = pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            except httpx.HTTPError:
                ok = False
            if not ok:
                key = f"pdf {pdf.status_code}" if isinstance(pdf, httpx.Response) else "pdf"
                failed[key] = failed.get(key, 0) + 1

    async with httpx.AsyncClient() as client:
        started = time.perf_counter()
        await asyncio.gather(*(submitter(client) for _ in range(concurrency)))
        receipts_wall = time.perf_counter() - started
        if fetch == "after":
            await asyncio.gather(*(fetcher(client, receipts[i::concurrency]) for i in range(concurrency)))
        pdfs_wall = time.perf_counter() - started
    return {**summary_ms(latencies), "pdf": summary_ms(pdf_latencies), "concurrency": concurrency, "fetch": fetch,
            "per_s": round(count / receipts_wall, 2), "pdfs_per_s": round(count / pdfs_wall, 2),
            "failures": sum(failed.values()), "failed_by_status": failed}


def bench_database(var_dir: Path, database_url: str, count: int, concurrencies=(1, 8), fetch: str = "after",
                   checkout: Path | None = None, render_processes: int | None = None) -> dict:
    """Start a backend on this database and measure submissions at each concurrency."""
    with backend_process(var_dir, database_url, checkout, render_processes) as (url, token, start_s, pid):
        asyncio.run(_submit_many(url, token, 2, 1))  # warm-up: fonts, first connection
        runs = {str(c): _with_cpu(pid, count, lambda c=c: asyncio.run(_submit_many(url, token, count, c, fetch)))
                for c in concurrencies}
    return {"start_s": round(start_s, 2), **runs}


def _with_cpu(pid: int, count: int, measure) -> dict:
    """The measurement plus the backend's CPU (its render processes included) per case:
    unlike rates, that does not depend on how busy the shared machine is."""
    before, main_before = tree_cpu_seconds(pid), cpu_seconds(pid)
    result = measure()
    result["backend_cpu_ms_per_case"] = round((tree_cpu_seconds(pid) - before) * 1000 / count, 1)
    result["backend_main_cpu_ms_per_case"] = round((cpu_seconds(pid) - main_before) * 1000 / count, 1)  # without renders
    return result


def load_average() -> float:
    """The 1-minute load average (the machine is shared: every number names it)."""
    return round(os.getloadavg()[0], 2)


def parse_side(text: str) -> tuple[str, Path, int | None]:
    """'LABEL=PATH[:PROCESSES]' -> (label, checkout, render processes or None for its default)."""
    label, _, rest = text.partition("=")
    path, _, processes = rest.rpartition(":") if ":" in rest else (rest, "", "")
    if not label or not path:
        raise ValueError(f"expected LABEL=PATH[:PROCESSES], got {text!r}")
    return label, Path(path).resolve(), int(processes) if processes else None


def compare_sides(work_dir: Path, sides: list[tuple[str, Path, int | None]], count: int = 40, rounds: int = 2,
                  concurrencies=(1, 8), fetches=("after", "immediately")) -> dict:
    """Submissions on SQLite for several backends (checkouts and render-process counts),
    interleaved round by round so the shared machine's load hits every side alike.

    Returns {label: {"runs": [per round: {fetch: bench_database result, "load": [start, end]}]}}
    and, per side, the median over rounds of receipts/s and PDFs/s at each concurrency, with
    ratios to the first side.
    """
    results: dict = {label: {"checkout": str(path), "render_processes": processes, "runs": []}
                     for label, path, processes in sides}
    for number in range(rounds):
        for label, path, processes in sides:
            run: dict = {"load": [load_average()]}
            for fetch in fetches:
                folder = work_dir / f"{label}-{number}-{fetch}"
                run[fetch] = bench_database(folder, f"sqlite:///{folder / 'backend.sqlite3'}", count, concurrencies,
                                            fetch, path, processes)
            run["load"].append(load_average())
            results[label]["runs"].append(run)
    first = sides[0][0]
    for label in results:
        results[label]["median"] = _medians(results[label]["runs"], concurrencies, fetches)
    for label in results:
        results[label]["ratio_to_" + first] = {
            key: round(value / results[first]["median"][key], 2) if results[first]["median"].get(key) else None
            for key, value in results[label]["median"].items()}  # NaN (no CPU figure) stays NaN
    return results


def _medians(runs: list[dict], concurrencies, fetches) -> dict[str, float]:
    """Median over rounds of receipts/s and PDFs/s per fetch mode and concurrency."""
    medians = {}
    for fetch in fetches:
        for c in concurrencies:
            for key in ("per_s", "pdfs_per_s", "backend_cpu_ms_per_case", "backend_main_cpu_ms_per_case"):
                values = [run[fetch][str(c)].get(key, float("nan")) for run in runs]
                medians[f"{fetch} {c} {key}"] = round(statistics.median(values), 2)
    return medians


def comparison_table(results: dict) -> str:
    """The comparison as a Markdown table: one row per side, fetch mode and concurrency."""
    first = next(iter(results))
    lines = [f"| side | fetch | clients | receipts/s | PDFs/s | backend CPU ms/case | PDF p50 / p95 ms (last round) "
             f"| failed | × {first} (receipts, PDFs, CPU) | load |", "|---|---|---|---|---|---|---|---|---|---|"]
    for label, entry in results.items():
        loads = ", ".join(f"{a}-{b}" for a, b in (run["load"] for run in entry["runs"]))
        last = entry["runs"][-1]
        for key in entry["median"]:
            fetch, c, kind = key.split()
            if kind != "per_s":
                continue
            run = last[fetch][c]
            ratio_r = entry[f"ratio_to_{first}"][key]
            ratio_p = entry[f"ratio_to_{first}"][f"{fetch} {c} pdfs_per_s"]
            ratio_c = entry[f"ratio_to_{first}"].get(f"{fetch} {c} backend_cpu_ms_per_case")
            failed = sum(r[fetch][c]["failures"] for r in entry["runs"])
            lines.append(f"| {label} | {fetch} | {c} | {entry['median'][key]} | {entry['median'][f'{fetch} {c} pdfs_per_s']} "
                         f"| {entry['median'].get(f'{fetch} {c} backend_cpu_ms_per_case')} "
                         f"| {run['pdf']['p50_ms']} / {run['pdf']['p95_ms']} | {failed} | {ratio_r}, {ratio_p}, {ratio_c} | {loads} |")
    return "\n".join(lines)


def bench_submissions(work_dir: Path, count: int = 30) -> dict:
    """Submissions per second on a fresh SQLite file and on a throwaway PostgreSQL database."""
    results = {"sqlite": bench_database(work_dir / "sqlite", f"sqlite:///{work_dir / 'sqlite' / 'backend.sqlite3'}", count)}
    try:
        with postgres_database() as url:
            results["postgresql"] = bench_database(work_dir / "postgresql", url, count)
    except Exception as error:  # noqa: BLE001 - the report says why PostgreSQL was skipped
        results["postgresql"] = {"skipped": f"{type(error).__name__}: {error}"}
    return results
