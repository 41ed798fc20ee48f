"""Audit trail of staff access: unit, action, case number, time, outcome. No personal data."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.backend.context import BackendContext
from bot.backend.models import AuditEntry


def record(ctx: BackendContext, session: Session, *, unit: str, action: str,
           case_number: str | None = None, ok: bool = True) -> None:
    """Add one audit row to the session's transaction."""
    session.add(AuditEntry(at=ctx.clock(), unit=unit, action=action, case_number=case_number, ok=ok))
