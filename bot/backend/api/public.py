"""Public endpoints of the backend: health. (Verification is served by the gateway on the
public origin, bot/gateway/verify.py, from /internal/verify.)"""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from bot.backend.api.deps import Ctx

router = APIRouter(tags=["public"])


@router.get("/health")
def health(ctx: Ctx) -> dict:
    """Liveness and database reachability."""
    with ctx.read_sessions() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}
