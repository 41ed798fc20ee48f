"""Confirmation records (verification code, Fiktionswirkung, PDF) and download tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.backend.context import BackendContext
from bot.backend.errors import BackendError
from bot.backend.models import Case, Confirmation, DownloadToken, Upload
from bot.backend.security import hash_secret, new_download_token, new_verification_code
from bot.confirmation.fiktion import decide_fiktionswirkung
from bot.confirmation.pdf import ConfirmationData, render_confirmation
from bot.models import TitleKind


def create_confirmation(ctx: BackendContext, session: Session, case: Case) -> Confirmation:
    """Decide Fiktionswirkung, render the PDF and add the record to the case's transaction."""
    concern = ctx.catalogue.concerns[case.concern]
    title_kind = TitleKind(case.title_kind) if case.title_kind else None
    fiktion = decide_fiktionswirkung(case.concern, title_kind, case.title_expiry, case.received_at, ctx.fiktion)
    code = _unused_code(session)
    data = ConfirmationData(
        case_number=case.case_number,
        unit=ctx.routing.unit_label(case.unit, case.language),
        received_at=case.received_at,
        language=case.language,
        given_names=case.given_names,
        family_name=case.family_name,
        date_of_birth=case.date_of_birth,
        nationality=case.nationality,
        concern_label_de=concern.label("de"),
        concern_label_en=concern.label("en"),
        attachments=[(u.filename, u.sha256) for u in _attachments(session, case)],
        verification_code=code,
        verify_url=f"{ctx.settings.verify_url}/{code}",
        fiktion=fiktion,
        title_kind=title_kind,
        title_expiry=case.title_expiry,
    )
    confirmation = Confirmation(
        case=case, verification_code=code, received_at=case.received_at,
        fiktion_applies=fiktion.applies, fiktion_reason=fiktion.reason[:200],
        pdf=ctx.signer.sign(render_confirmation(data)),  # PAdES: any later edit breaks it
    )
    session.add(confirmation)
    return confirmation


def _attachments(session: Session, case: Case) -> list[Upload]:
    return list(session.scalars(select(Upload).where(Upload.case_id == case.id).order_by(Upload.created_at)))


def _unused_code(session: Session) -> str:
    """A fresh verification code (60 random bits; a clash is retried, not trusted away)."""
    while True:
        code = new_verification_code()
        if session.scalar(select(Confirmation.case_id).where(Confirmation.verification_code == code)) is None:
            return code


def issue_download_token(ctx: BackendContext, session: Session, case: Case,
                         conversation_id: str) -> tuple[str, datetime]:
    """A new download token for the case's PDF, bound to ``conversation_id``; only its hash is stored."""
    token = new_download_token()
    expires_at = ctx.clock() + timedelta(seconds=ctx.settings.download_link_ttl_s)
    session.add(DownloadToken(token_hash=hash_secret(token), case_id=case.id,
                              conversation_id=conversation_id, expires_at=expires_at))
    return token, expires_at


def confirmation_for_token(ctx: BackendContext, token: str, conversation_id: str) -> tuple[str, bytes]:
    """(case number, PDF) for a download token; 404 unknown or foreign, 410 expired."""
    with ctx.read_sessions() as session:
        row = session.execute(
            select(DownloadToken, Case.case_number, Confirmation.pdf)
            .join(Case, Case.id == DownloadToken.case_id)
            .join(Confirmation, Confirmation.case_id == Case.id)
            .where(DownloadToken.token_hash == hash_secret(token))
        ).first()
    if row is None or row[0].conversation_id != conversation_id:
        raise BackendError(404, "not_found")
    if row[0].expires_at <= ctx.clock():
        raise BackendError(410, "link_expired")
    return row[1], row[2]
