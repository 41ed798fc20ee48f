"""What the public verification page may show about a confirmation, looked up by its code.

Enough that an edited PDF fails the check (case number, time of receipt, the holder's
name, the document and its expiry as stated, whether the Fiktionswirkung was certified),
nothing more: no birth date, nationality, address, contact data, unit or attachments.
The gateway serves it on the public origin (bot/gateway/verify.py); only it may ask
(internal token), and it rate-limits the public side.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.backend.context import BackendContext
from bot.backend.errors import BackendError
from bot.backend.models import Case, Confirmation
from bot.backend.security import normalise_code


def verify(ctx: BackendContext, code: str) -> dict:
    """The checkable particulars of the confirmation with this code; 404 when none exists."""
    canonical = normalise_code(code[:40])
    if canonical is None:
        raise BackendError(404, "not_found")
    with ctx.read_sessions() as session:
        row = session.execute(
            select(Case, Confirmation)
            .join(Confirmation, Confirmation.case_id == Case.id)
            .where(Confirmation.verification_code == canonical)
        ).first()
    if row is None:
        raise BackendError(404, "not_found")
    case, confirmation = row
    return {
        "genuine": True,
        "verification_code": canonical,
        "case_number": case.case_number,
        "received_at": confirmation.received_at.isoformat(),
        "given_names": case.given_names,
        "family_name": case.family_name,
        "title_kind": case.title_kind,  # as stated by the client
        "title_expiry": case.title_expiry.isoformat() if case.title_expiry else None,
        "fiktionswirkung_certified": confirmation.fiktion_applies,
    }
