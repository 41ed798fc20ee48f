"""Request dependencies: the backend context, internal and staff authentication."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import Depends, Header, Request

from bot.backend.context import BackendContext
from bot.backend.errors import BackendError
from bot.safe_start import problem

log = logging.getLogger(__name__)


def get_ctx(request: Request) -> BackendContext:
    return request.app.state.ctx


Ctx = Annotated[BackendContext, Depends(get_ctx)]


def require_internal(ctx: Ctx, x_internal_token: Annotated[str | None, Header()] = None) -> None:
    """Only our own services (shared secret in X-Internal-Token) pass."""
    if ctx.settings.env != "development" and problem(ctx.settings.internal_token):
        # A placeholder is public knowledge: refuse everyone rather than trust it.
        log.error("internal API refused: INTAKE_INTERNAL_TOKEN is missing or a placeholder")
        raise BackendError(401, "unauthorized")
    expected = ctx.settings.internal_token.encode()
    if not x_internal_token or not hmac.compare_digest(x_internal_token.encode(), expected):
        raise BackendError(401, "unauthorized")


def require_unit(ctx: Ctx, authorization: Annotated[str | None, Header()] = None) -> str:
    """The staff unit owning the bearer token; 401 otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    unit = ctx.staff_auth.unit_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if unit is None:
        log.warning("staff API: request without a valid unit token refused")
        raise BackendError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    return unit


Unit = Annotated[str, Depends(require_unit)]
