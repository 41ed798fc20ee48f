"""The gateway: the one public entry point (chat API, uploads, downloads, web widget)."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from bot.config import Settings, get_settings
from bot.gateway import chat, downloads, internal, limits, uploads, verify, widget
from bot.gateway.conversation import ConversationCore
from bot.gateway.liveness import TrackerLiveness
from bot.ops.health import add_health_routes, clamd_check, http_check, rasa_check
from bot.ops.logs import add_request_ids
from bot.ops.metrics import instrument_fastapi, note_model
from bot.privacy.purge import periodic_purge
from bot.scanning.scanner import Scanner

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.conversation = ConversationCore(settings.rasa_url, rasa_token=settings.rasa_token)
        app.state.liveness = TrackerLiveness(settings)
        # Tracker retention: old conversations leave Rasa's tracker store (bot/privacy).
        purger = asyncio.create_task(periodic_purge(settings))
        yield
        purger.cancel()
        with suppress(asyncio.CancelledError):
            await purger
        await app.state.conversation.close()
        app.state.liveness.close()
        intake = getattr(app.state, "upload_intake", None)
        if intake is not None:
            await intake.aclose()

    app = FastAPI(title="Intake assistant gateway", version="1.0", lifespan=lifespan)
    app.state.settings = settings
    limits.install(app, settings)  # rate limits, body cap, input-free errors (inside CORS below)
    app.include_router(chat.router)
    app.include_router(downloads.router)
    app.include_router(widget.router)
    app.include_router(uploads.router)
    app.include_router(internal.router)  # the Telegram bridge's authenticated routes
    app.include_router(verify.router)  # the public verification page (QR code target)
    widget.allow_embedding(app, settings)  # CORS for INTAKE_WIDGET_ORIGINS
    app.state.scanner = Scanner(settings)

    def checks() -> dict:
        return {
            "rasa": rasa_check(settings.rasa_url, settings.rasa_token),
            "backend": http_check(f"{settings.backend_url}/health", "backend"),
            "clamd": clamd_check(settings.clamd_socket),
        }

    add_health_routes(app, checks)
    add_request_ids(app, trust_incoming=False)  # a client's id is never taken over
    instrument_fastapi(app, "gateway", settings.metrics_token,
                       before_scrape=lambda: note_model(settings.rasa_url, settings.rasa_token), readiness=checks)
    return app
