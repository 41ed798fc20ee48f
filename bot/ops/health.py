"""Liveness and readiness for every service of ours.

``/health/live`` (and the older ``/health``): the process answers. ``/health/ready``:
it can do its job now; 503 with the reason of each failed check otherwise, e.g.
``{"status": "not ready", "checks": {"database": "not reachable"}}``. Reasons are
fixed phrases: no URLs, no driver messages, nothing an attacker could learn from.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from bot.ops.metrics import READY_CHECK

# A check returns None when fine, else a short reason.
Check = Callable[[], Awaitable[str | None]]
CHECK_TIMEOUT_S = 3.0


async def run_checks(checks: dict[str, Check]) -> tuple[bool, dict[str, str]]:
    """Run all checks concurrently; (ready, {name: "ok" or reason})."""

    async def one(check: Check) -> str | None:
        try:
            return await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
        except asyncio.TimeoutError:
            return "no answer in time"
        except Exception as error:  # a broken check must not make the probe 500
            return f"check failed ({type(error).__name__})"

    results = await asyncio.gather(*(one(check) for check in checks.values()))
    report = {name: reason or "ok" for name, reason in zip(checks, results)}
    for name, reason in zip(checks, results):
        READY_CHECK.labels(name).set(0 if reason else 1)
    return all(reason is None for reason in results), report


def ready_body(ready: bool, report: dict[str, str]) -> dict:
    return {"status": "ready" if ready else "not ready", "checks": report}


def http_check(url: str, what: str) -> Check:
    """Ready when GET url answers 200 (another service's liveness)."""

    async def check() -> str | None:
        try:
            async with httpx.AsyncClient(timeout=CHECK_TIMEOUT_S) as client:
                response = await client.get(url)
        except httpx.HTTPError:
            return f"{what} not reachable"
        return None if response.status_code == 200 else f"{what} answers {response.status_code}"

    return check


def rasa_check(rasa_url: str, token: str = "") -> Check:
    """Ready when Rasa answers and has a model loaded (token: INTAKE_RASA_TOKEN, /status needs it)."""

    async def check() -> str | None:
        try:
            async with httpx.AsyncClient(timeout=CHECK_TIMEOUT_S) as client:
                response = await client.get(f"{rasa_url}/status", params={"token": token} if token else None)
        except httpx.HTTPError:
            return "Rasa not reachable"
        if response.status_code != 200 or not response.json().get("model_file"):
            return "Rasa has no model loaded"
        return None

    return check


def clamd_check(socket_path: Path) -> Check:
    """Ready when clamd answers PING on its socket."""
    from bot.scanning.clamd_process import ping

    async def check() -> str | None:
        answered = await asyncio.to_thread(ping, Path(socket_path), 2.0)
        return None if answered else "clamd does not answer"

    return check


def sql_check(engine) -> Check:
    """Ready when the database answers SELECT 1 (SQLAlchemy engine)."""
    from sqlalchemy import text

    def probe() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    async def check() -> str | None:
        try:
            await asyncio.to_thread(probe)
        except Exception:
            return "database not reachable"
        return None

    return check


def add_health_routes(app, checks: Callable[[], dict[str, Check]]) -> None:
    """/health, /health/live and /health/ready on a FastAPI app; checks() is called per probe."""
    from fastapi.responses import JSONResponse

    async def live() -> dict[str, str]:
        return {"status": "ok"}

    taken = {getattr(route, "path", None) for route in app.routes}
    for path in ("/health", "/health/live"):
        if path not in taken:  # the backend's /health predates this module
            app.add_api_route(path, live, methods=["GET"], include_in_schema=False)

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        is_ready, report = await run_checks(checks())
        return JSONResponse(ready_body(is_ready, report), status_code=200 if is_ready else 503)
