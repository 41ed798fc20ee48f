"""Staff API: each unit sees and closes only its own cases; every access is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Literal, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, create_model
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from bot import case_numbers
from bot.backend import audit, confirmations, uploads
from bot.backend.api.deps import Ctx, Unit
from bot.backend.cases import OFFICE_TZ
from bot.backend.db import transaction
from bot.backend.errors import BackendError
from bot.backend.models import FIELD_COLUMNS, Case, Upload
from bot.fields import CaseColumn, load_registry

router = APIRouter(prefix="/staff/api", tags=["staff"])
T = TypeVar("T")
LIST_LIMIT = 500
# A case that matched the open case of another conversation (same person and concern):
# the submitter was NOT verified to be that person; the unit decides.
POSSIBLE_DUPLICATE = "possible_duplicate_unverified"
HAS_POSSIBLE_DUPLICATES = "has_unverified_duplicates"


class LinkedCase(BaseModel):
    """The other end of a possible-duplicate link."""

    case_number: str
    unit: str
    status: str
    received_at: datetime


class _CaseSummaryBase(BaseModel):
    case_number: str
    status: str
    unit: str
    rule: str
    concern: str
    received_at: datetime
    done_at: datetime | None
    flags: list[str] = []
    possible_duplicate_of: LinkedCase | None = None
    linked_unverified: list[LinkedCase] = []
    follow_ups: int = 0  # entries after the first submission (same conversation, or by case number + code)


class Attachment(BaseModel):
    upload_id: str
    filename: str
    content_type: str
    size: int
    sha256: str


class Entry(BaseModel):
    kind: str
    received_at: datetime
    channel_conversation: str
    message: str | None
    attachments: list[Attachment]


def _case_field(column: CaseColumn) -> tuple[object, object]:
    kind = date if column.type == "date" else str
    return (kind, ...) if column.required else (kind | None, None)


# The unit's list of cases: its columns are the fields with `inbox:` in content/fields.yml.
INBOX_COLUMNS: dict[str, CaseColumn] = {spec.case.column: spec.case for spec in load_registry().in_inbox()}
CaseSummary = create_model("CaseSummary", __base__=_CaseSummaryBase, __module__=__name__,
                           **{name: _case_field(column) for name, column in INBOX_COLUMNS.items()})


class _CaseDetailBase(CaseSummary):
    language: str
    channel: str
    verification_code: str
    fiktionswirkung: bool
    fiktion_reason: str
    entries: list[Entry]


# The enquiry's fields the case table stores, beyond the summary's: one per `case: {column}` of
# content/fields.yml (the message is in the entries).
DETAIL_COLUMNS: dict[str, CaseColumn] = {
    name: column for name, column in FIELD_COLUMNS.items() if name not in CaseSummary.model_fields}


CaseDetail = create_model("CaseDetail", __base__=_CaseDetailBase, __module__=__name__,
                          **{name: _case_field(column) for name, column in DETAIL_COLUMNS.items()})


def _linked(case: Case) -> LinkedCase:
    return LinkedCase(case_number=case.case_number, unit=case.unit, status=case.status, received_at=case.received_at)


def _summary(case: Case) -> CaseSummary:
    """The case with its possible-duplicate links, flagged both ways."""
    flags = ([POSSIBLE_DUPLICATE] if case.duplicate_of else []) + (
        [HAS_POSSIBLE_DUPLICATES] if case.possible_duplicates else [])
    return CaseSummary(
        **{name: getattr(case, name) for name in CaseSummary.model_fields
           if name not in ("flags", "possible_duplicate_of", "linked_unverified", "follow_ups")},
        flags=flags, possible_duplicate_of=_linked(case.duplicate_of) if case.duplicate_of else None,
        linked_unverified=[_linked(d) for d in case.possible_duplicates],
        follow_ups=sum(1 for e in case.entries if e.kind != "initial"),
    )


def _detail(case: Case, session: Session) -> CaseDetail:
    files = session.scalars(select(Upload).where(Upload.case_id == case.id).order_by(Upload.created_at)).all()
    entries = [
        Entry(kind=e.kind, received_at=e.received_at, channel_conversation=e.conversation_id, message=e.message,
              attachments=[Attachment(upload_id=u.id, filename=u.filename, content_type=u.content_type,
                                      size=u.size, sha256=u.sha256) for u in files if u.entry_id == e.id])
        for e in case.entries
    ]
    return CaseDetail(
        **_summary(case).model_dump(), language=case.language, channel=case.channel,
        **{name: getattr(case, name) for name in DETAIL_COLUMNS},
        verification_code=case.confirmation.verification_code,
        fiktionswirkung=case.confirmation.fiktion_applies, fiktion_reason=case.confirmation.fiktion_reason,
        entries=entries,
    )


def _with_own_case(ctx: Ctx, unit: str, case_number: str, action: str, work: Callable[[Session, Case], T]) -> T:
    """Run ``work`` on the unit's case, auditing the access; another unit's case is simply 404.

    A possible duplicate routed elsewhere is also open to the unit of the case it
    matched: that unit holds the work item and decides.
    """
    # Either shape as typed by staff ("lea 2026 7kqm xr4w"); anything else as it is.
    number = case_numbers.canonical(case_number) or case_number.strip().upper()[:20]
    matched = aliased(Case)
    with transaction(ctx.sessions) as session:
        case = session.scalar(
            select(Case).outerjoin(matched, matched.id == Case.duplicate_of_id)
            .where(Case.case_number == number, (Case.unit == unit) | (matched.unit == unit)))
        audit.record(ctx, session, unit=unit, action=action, case_number=number, ok=case is not None)
        result = work(session, case) if case is not None else None
    if case is None:
        raise BackendError(404, "not_found")
    return result


@router.get("/cases", response_model=list[CaseSummary])
def list_cases(
    ctx: Ctx, unit: Unit,
    status: Literal["open", "done"] | None = None,
    concern: str | None = Query(None, max_length=60),
    received_from: date | None = Query(None, description="first day, office time (Europe/Berlin)"),
    received_to: date | None = Query(None, description="last day (inclusive), office time"),
) -> list[CaseSummary]:
    """The unit's cases, newest first (at most 500)."""
    query = select(Case).where(Case.unit == unit)
    if status:
        query = query.where(Case.status == status)
    if concern:
        query = query.where(Case.concern == concern)
    if received_from:
        query = query.where(Case.received_at >= datetime.combine(received_from, time(), OFFICE_TZ))
    if received_to:
        query = query.where(Case.received_at < datetime.combine(received_to + timedelta(days=1), time(), OFFICE_TZ))
    with transaction(ctx.sessions) as session:
        rows = session.scalars(query.options(selectinload(Case.duplicate_of), selectinload(Case.possible_duplicates),
                                             selectinload(Case.entries))
                               .order_by(Case.received_at.desc(), Case.id.desc()).limit(LIST_LIMIT)).all()
        audit.record(ctx, session, unit=unit, action="list")
        return [_summary(c) for c in rows]


@router.get("/cases/{case_number}", response_model=CaseDetail)
def get_case(ctx: Ctx, unit: Unit, case_number: str) -> CaseDetail:
    """One case with its entries (first submission and follow-ups) and attachments."""
    return _with_own_case(ctx, unit, case_number, "read", lambda s, c: _detail(c, s))


@router.post("/cases/{case_number}/done", response_model=CaseDetail)
def mark_done(ctx: Ctx, unit: Unit, case_number: str) -> CaseDetail:
    """Close the case: new submissions of the person open a new case; retention starts."""

    def close(session: Session, case: Case) -> CaseDetail:
        if case.status != "done":
            case.status, case.done_at, case.open_key = "done", ctx.clock(), None
            session.flush()
        return _detail(case, session)

    return _with_own_case(ctx, unit, case_number, "done", close)


@router.get("/cases/{case_number}/attachments/{upload_id}", response_class=Response)
def get_attachment(ctx: Ctx, unit: Unit, case_number: str, upload_id: str) -> Response:
    """An attachment of the unit's case, as stored."""

    def fetch(session: Session, case: Case) -> Upload | None:
        return session.scalar(select(Upload).where(Upload.id == upload_id, Upload.case_id == case.id))

    upload = _with_own_case(ctx, unit, case_number, "read_attachment", fetch)
    if upload is None:
        raise BackendError(404, "not_found")
    return Response(uploads.read_bytes(ctx, upload), media_type=upload.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(upload.filename)}", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


@router.get("/cases/{case_number}/confirmation.pdf", response_class=Response)
def get_confirmation(ctx: Ctx, unit: Unit, case_number: str) -> Response:
    """The confirmation PDF the client received."""
    case_id, pdf = _with_own_case(ctx, unit, case_number, "read_confirmation",
                                  lambda s, c: (c.id, c.confirmation.pdf))
    pdf = confirmations.ready_pdf(ctx, case_id, pdf)  # outside the audit's write transaction
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{case_number.upper()}.pdf"', "Cache-Control": "no-store"})
