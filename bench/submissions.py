"""Backend case submissions per second on SQLite and on PostgreSQL.

The real backend (``python -m bot.backend``) runs as its own process on a free port with a
fresh database; clients POST /internal/cases with unique (fictitious) persons, so every
submission creates a case and routes it. Receipts per second count durable cases; then
every PDF is fetched with its receipt's download token (rendered after the commit, so a
fetch may wait for it): ``pdfs_per_s`` is cases per second until the last PDF was in hand.
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx

from bench.stats import summary_ms
from bot.config import Settings
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
def backend_process(var_dir: Path, database_url: str):
    """`python -m bot.backend` on a free port with this database; yields (url, token, start seconds)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(var_dir=var_dir, host="127.0.0.1", backend_port=free_port(),
                        internal_token=secrets.token_urlsafe(32), backend_database_url=database_url)
    url = f"http://127.0.0.1:{settings.backend_port}"
    started = time.monotonic()
    with open(var_dir / "backend.log", "ab") as log:
        process = subprocess.Popen([str(APP_PYTHON), "-m", "bot.backend"], env=child_env(settings),
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        while not http_ok(f"{url}/health"):
            if process.poll() is not None or time.monotonic() - started > START_TIMEOUT_S:
                raise RuntimeError(f"backend did not start; see {var_dir / 'backend.log'}")
            time.sleep(0.1)
        yield url, settings.internal_token, time.monotonic() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _submit_many(url: str, token: str, count: int, concurrency: int) -> dict:
    """POST `count` submissions with `concurrency` clients, then fetch every PDF.

    ``per_s`` counts receipts (the case is durable); ``pdfs_per_s`` counts from the first
    submission until the last PDF was fetched (each client asks for its PDFs after its
    submissions, as a client reads the answer before following the link).
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

    async def fetcher(client: httpx.AsyncClient, mine: list[tuple[str, str]]) -> None:
        for token_, conversation in mine:
            try:
                pdf = await timed(pdf_latencies, client.get(f"{url}/internal/confirmations/{token_}",
                                                            params={"conversation_id": conversation}, headers=headers,
                                                            timeout=REQUEST_TIMEOUT_S))
                ok = pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            except httpx.HTTPError:
                ok = False
            if not ok:
                failed["pdf"] = failed.get("pdf", 0) + 1

    async with httpx.AsyncClient() as client:
        started = time.perf_counter()
        await asyncio.gather(*(submitter(client) for _ in range(concurrency)))
        receipts_wall = time.perf_counter() - started
        await asyncio.gather(*(fetcher(client, receipts[i::concurrency]) for i in range(concurrency)))
        pdfs_wall = time.perf_counter() - started
    return {**summary_ms(latencies), "pdf": summary_ms(pdf_latencies), "concurrency": concurrency,
            "per_s": round(count / receipts_wall, 2), "pdfs_per_s": round(count / pdfs_wall, 2),
            "failures": sum(failed.values()), "failed_by_status": failed}


def bench_database(var_dir: Path, database_url: str, count: int, concurrencies=(1, 8)) -> dict:
    """Start a backend on this database and measure submissions at each concurrency."""
    with backend_process(var_dir, database_url) as (url, token, start_s):
        asyncio.run(_submit_many(url, token, 2, 1))  # warm-up: fonts, first connection
        runs = {str(c): asyncio.run(_submit_many(url, token, count, c)) for c in concurrencies}
    return {"start_s": round(start_s, 2), **runs}


def bench_submissions(work_dir: Path, count: int = 30) -> dict:
    """Submissions per second on a fresh SQLite file and on a throwaway PostgreSQL database."""
    results = {"sqlite": bench_database(work_dir / "sqlite", f"sqlite:///{work_dir / 'sqlite' / 'backend.sqlite3'}", count)}
    try:
        with postgres_database() as url:
            results["postgresql"] = bench_database(work_dir / "postgresql", url, count)
    except Exception as error:  # noqa: BLE001 - the report says why PostgreSQL was skipped
        results["postgresql"] = {"skipped": f"{type(error).__name__}: {error}"}
    return results
