"""The routing backend as a FastAPI app: ``create_app(settings)``; run with ``python -m bot.backend``."""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.backend.api import internal, public, staff
from bot.backend.context import BackendContext
from bot.backend.db import make_engine, make_session_factory
from bot.backend.errors import BackendError, error_body
from bot.backend.limits import MULTIPART_OVERHEAD, BodySizeLimit
from bot.backend.migrations import upgrade_to_head
from bot.backend.pdf_worker import PdfWorker
from bot.backend.retention import purge_expired
from bot.backend.routing import load_routing
from bot.backend.security import load_staff_auth
from bot.catalogue import load_catalogue
from bot.config import Settings, get_settings
from bot.confirmation.fiktion import load_table
from bot.confirmation.signing import ConfirmationSigner, config_from_settings
from bot.ops.health import add_health_routes, sql_check
from bot.ops.logs import add_request_ids
from bot.ops.metrics import instrument_fastapi

log = logging.getLogger("bot.backend")
PURGE_INTERVAL_S = 3600
_HTTP_CODES = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def build_context(settings: Settings) -> BackendContext:
    """Load catalogue and rules, migrate the database, load staff tokens."""
    catalogue = load_catalogue()
    routing = load_routing(catalogue)
    engine = make_engine(settings.backend_database_url)
    upgrade_to_head(engine)
    staff_auth = load_staff_auth(settings.staff_tokens, settings.var_dir / "staff_tokens.json",
                                 list(routing.units))
    return BackendContext(settings=settings, catalogue=catalogue, routing=routing, engine=engine,
                          sessions=make_session_factory(engine),
                          read_sessions=make_session_factory(engine, read_only=True), staff_auth=staff_auth,
                          fiktion=load_table(), signer=ConfirmationSigner(config_from_settings(settings)),
                          follow_up_secret=follow_up_secret(settings))


FOLLOW_UP_SECRET_VARIABLE = "INTAKE_FOLLOW_UP_SECRET"


def follow_up_secret(settings: Settings) -> str:
    """INTAKE_FOLLOW_UP_SECRET, else generated once into var/secrets.env (0600) like the other secrets.

    Only the backend reads it: no other service needs it, and the run command gives it to nobody.
    """
    if settings.follow_up_secret:
        return settings.follow_up_secret
    from bot.runner.environment import stored_secret

    return stored_secret(settings.var_dir, FOLLOW_UP_SECRET_VARIABLE)


async def _purge_periodically(ctx: BackendContext) -> None:
    """Run the retention purge now and then every hour; a failure is logged, not fatal."""
    while True:
        try:
            await run_in_threadpool(purge_expired, ctx)
        except Exception:
            log.exception("retention purge failed")
        await asyncio.sleep(PURGE_INTERVAL_S)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The backend app; the database is opened and migrated when the app starts."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        ctx = await run_in_threadpool(build_context, settings)
        pdfs = ctx.pdfs = PdfWorker(ctx, settings.pdf_render_processes)
        await run_in_threadpool(pdfs.render_missing)
        app.state.ctx = ctx
        purger = asyncio.create_task(_purge_periodically(ctx))
        try:
            yield
        finally:
            purger.cancel()
            with suppress(asyncio.CancelledError):
                await purger
            pdfs.close()
            ctx.engine.dispose()

    app = FastAPI(title="LEA intake backend", version="1.0", lifespan=lifespan,
                  description="Routing, cases, confirmations and the staff API of the intake assistant.")
    app.include_router(internal.router)
    app.include_router(staff.router)
    app.include_router(public.router)
    _add_error_handlers(app)
    app.middleware("http")(_log_requests)
    add_health_routes(app, lambda: _readiness_checks(app))
    # Last added runs first: the id is set before the request line is logged.
    add_request_ids(app, trust_incoming=True)
    instrument_fastapi(app, "backend", settings.metrics_token, readiness=lambda: _readiness_checks(app))
    app.add_middleware(BodySizeLimit, upload_limit=settings.upload_max_file_bytes + MULTIPART_OVERHEAD)
    return app


def _readiness_checks(app: FastAPI) -> dict:
    """The backend is ready once started with its database answering."""
    ctx = getattr(app.state, "ctx", None)
    if ctx is None:
        async def starting() -> str:
            return "starting"
        return {"database": starting}
    return {"database": sql_check(ctx.engine)}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BackendError)
    async def backend_error(_request: Request, exc: BackendError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, **exc.extra), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def database_unavailable(_request: Request, exc: OperationalError) -> JSONResponse:
        # Locked, full or unreachable database: nothing was committed; the sender retries.
        # Only the driver's message is logged: the statement's parameters are personal data.
        log.error("database unavailable: %s", str(exc.orig).splitlines()[0][:200])
        return JSONResponse(error_body("busy"), status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Field locations and error types only: the rejected values may be personal data.
        problems = [{"loc": list(e.get("loc", ())), "type": e.get("type", "")} for e in exc.errors()]
        if any(p["type"] == "json_invalid" for p in problems):
            return JSONResponse(error_body("malformed_json"), status_code=400)
        return JSONResponse(error_body("invalid_request", fields=problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "invalid_request")
        return JSONResponse(error_body(code), status_code=exc.status_code, headers=exc.headers)


async def _log_requests(request: Request, call_next):
    """One line per request: method, route template (no ids, tokens or codes), status, time."""
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    path = getattr(route, "path", "<unmatched>")
    log.info("%s %s %d %.0fms", request.method, path, response.status_code, (time.perf_counter() - started) * 1000)
    return response
