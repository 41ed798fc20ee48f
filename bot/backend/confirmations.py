"""Confirmation records (verification code, Fiktionswirkung, PDF) and download tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.backend.context import BackendContext
from bot.backend.db import transaction, writer_slot
from bot.backend.errors import BackendError
from bot.backend.models import Case, Confirmation, DownloadToken, Upload
from bot.backend.security import hash_secret, new_download_token, new_verification_code
from bot.confirmation.fiktion import decide_fiktionswirkung
from bot.confirmation.pdf import ConfirmationData, render_confirmation
from bot.confirmation.signing import ConfirmationSigner
from bot.fields import load_registry
from bot.models import TitleKind


PENDING_PDF = b""  # a committed confirmation whose PDF is not rendered yet (bot/backend/pdf_worker.py)


def create_confirmation(ctx: BackendContext, session: Session, case: Case) -> Confirmation:
    """Decide Fiktionswirkung and add the record (code, decision) to the case's transaction.

    The PDF is rendered after the commit (bot/backend/pdf_worker.py), so the write lock is
    held for the rows only; its bytes are filled in by ``store_pdf``.
    """
    code = _unused_code(session)
    fiktion = _fiktion(ctx, case)
    confirmation = Confirmation(
        case=case, verification_code=code, received_at=case.received_at,
        fiktion_applies=fiktion.applies, fiktion_reason=fiktion.reason[:200], pdf=PENDING_PDF,
    )
    session.add(confirmation)
    return confirmation


def _fiktion(ctx: BackendContext, case: Case):
    """The Fiktionswirkung decision from the case's stored facts (same facts, same decision)."""
    concern = ctx.catalogue.concerns[case.concern]
    title_kind = TitleKind(case.title_kind) if case.title_kind else None
    return decide_fiktionswirkung(case.concern, title_kind, case.title_expiry, case.received_at, ctx.fiktion)


def document_data(ctx: BackendContext, session: Session, case: Case, confirmation: Confirmation) -> ConfirmationData:
    """Everything the PDF shows, read from the committed case and its confirmation record."""
    concern = ctx.catalogue.concerns[case.concern]
    code = confirmation.verification_code
    return ConfirmationData(
        case_number=case.case_number,
        unit=ctx.routing.client_unit_label(case.unit, case.language, case.principal_case_number),
        received_at=case.received_at,
        language=case.language,
        # Only what the confirmation prints (content/fields.yml `confirmation:`) goes to the renderer.
        particulars={spec.id: getattr(case, spec.case.column) for spec in load_registry().on_confirmation()},
        concern_label_de=concern.label("de"),
        concern_label_en=concern.label("en"),
        attachments=[(u.filename, u.sha256) for u in _attachments(session, case)],
        verification_code=code,
        verify_url=f"{ctx.settings.verify_url}/{code}",
        fiktion=_fiktion(ctx, case),
        title_kind=TitleKind(case.title_kind) if case.title_kind else None,
        title_expiry=case.title_expiry,
    )


def render_document(data: ConfirmationData, signer: ConfirmationSigner) -> bytes:
    """The signed confirmation PDF (PAdES: any later edit breaks it); runs in a render process."""
    return signer.sign(render_confirmation(data))


def pending_document(ctx: BackendContext, case_id: int) -> ConfirmationData | None:
    """The data to render for a case whose PDF is still missing; None when it has one."""
    with ctx.read_sessions() as session:
        confirmation = session.get(Confirmation, case_id)
        if confirmation is None:
            raise BackendError(404, "not_found")
        if confirmation.pdf != PENDING_PDF:
            return None
        return document_data(ctx, session, confirmation.case, confirmation)


def store_pdf(ctx: BackendContext, case_id: int, pdf: bytes) -> bytes:
    """Store a rendered PDF unless one is there already; the stored one is returned (first wins)."""
    with writer_slot(ctx.engine), transaction(ctx.sessions) as session:
        session.execute(update(Confirmation).where(Confirmation.case_id == case_id, Confirmation.pdf == PENDING_PDF)
                        .values(pdf=pdf).execution_options(synchronize_session=False))
    return stored_pdf(ctx, case_id)


def stored_pdf(ctx: BackendContext, case_id: int) -> bytes:
    """The PDF in the database (PENDING_PDF when not rendered yet)."""
    with ctx.read_sessions() as session:
        return session.scalar(select(Confirmation.pdf).where(Confirmation.case_id == case_id)) or PENDING_PDF


def cases_without_pdf(ctx: BackendContext) -> list[int]:
    """Ids of committed cases whose PDF was never stored."""
    with ctx.read_sessions() as session:
        return list(session.scalars(select(Confirmation.case_id).where(Confirmation.pdf == PENDING_PDF)))


def ready_pdf(ctx: BackendContext, case_id: int, pdf: bytes) -> bytes:
    """``pdf`` when rendered; otherwise wait for the worker's render (or render here without one)."""
    if pdf != PENDING_PDF:
        return pdf
    if ctx.pdfs is not None:
        return ctx.pdfs.pdf(case_id)
    document = pending_document(ctx, case_id)
    if document is None:
        return stored_pdf(ctx, case_id)
    return store_pdf(ctx, case_id, render_document(document, ctx.signer))


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
            select(DownloadToken, Case.case_number, Confirmation.pdf, Case.id)
            .join(Case, Case.id == DownloadToken.case_id)
            .join(Confirmation, Confirmation.case_id == Case.id)
            .where(DownloadToken.token_hash == hash_secret(token))
        ).first()
    if row is None or row[0].conversation_id != conversation_id:
        raise BackendError(404, "not_found")
    if row[0].expires_at <= ctx.clock():
        raise BackendError(410, "link_expired")
    return row[1], ready_pdf(ctx, row[3], row[2])
