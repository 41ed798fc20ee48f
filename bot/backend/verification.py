"""What the public verification page may show about a confirmation, looked up by its code.

Enough that an edited PDF fails the check (case number, time of receipt, whether the
Fiktionswirkung was certified, and the fields marked `verification:` in content/fields.yml:
the holder's name, the document and its expiry as stated), nothing more: no birth date,
nationality, address, contact data, unit or attachments.
The gateway serves it on the public origin (bot/gateway/verify.py); only it may ask
(internal token), and it rate-limits the public side.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.backend.context import BackendContext
from bot.backend.errors import BackendError
from bot.backend.models import Case, Confirmation
from bot.backend.security import normalise_code
from bot.fields import load_registry


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
        # The fields with `verification:` in content/fields.yml, as stated by the client.
        **{spec.case.column: _plain(getattr(case, spec.case.column)) for spec in load_registry().on_verification()},
        "fiktionswirkung_certified": confirmation.fiktion_applies,
    }


def _plain(value: object) -> object:
    """A case value as JSON carries it (a date as YYYY-MM-DD)."""
    return value.isoformat() if isinstance(value, date) else value
