"""Case submission: idempotency, follow-ups of a conversation's own case, possible duplicates, case numbers."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
import re
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import pycountry
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import case_numbers
from bot.backend import routing
from bot.backend.confirmations import create_confirmation, issue_download_token
from bot.backend.context import BackendContext
from bot.backend.db import transaction, writer_slot
from bot.backend.errors import BackendError
from bot.backend.models import FIELD_COLUMNS, Case, CaseEntry, Upload
from bot.fields import CaseColumn
from bot.models import CaseFollowUp, CaseReceipt, CaseSubmission

log = logging.getLogger(__name__)
OFFICE_TZ = ZoneInfo("Europe/Berlin")
MAX_ATTEMPTS = 4


def submit(ctx: BackendContext, submission: CaseSubmission) -> CaseReceipt:
    """Store a submission; committed before the receipt is returned.

    A unique-constraint clash means a concurrent request stored the same key or
    person first; the retry then finds it and answers "existing" or "follow_up"
    (same conversation), or opens a case linked as a possible duplicate.
    """
    submission = by_document_held(ctx, submission)
    _check_references(ctx, submission)
    for _ in range(MAX_ATTEMPTS):
        try:
            with writer_slot(ctx.engine), transaction(ctx.sessions) as session:
                receipt, new_case_id = _submit_once(ctx, session, submission)
            if new_case_id is not None and ctx.pdfs is not None:
                ctx.pdfs.schedule(new_case_id)  # committed: render its PDF now, outside the lock
            return receipt
        except IntegrityError:
            log.info("submission raced a concurrent one; retrying")
            continue
    raise BackendError(503, "busy")


def by_document_held(ctx: BackendContext, submission: CaseSubmission) -> CaseSubmission:
    """The concern as the document held decides it (content/concerns.yml, concern_by_title), as the chat does.

    A caller of the API who sends "visa_extension" for a holder of a national D visa (or a
    residence permit, Blue Card) files an application for a residence permit (§ 81 Abs. 4 S. 1
    AufenthG): it is stored and routed as that concern, by its purpose. Without a purpose the
    unit cannot be known (a D visa is issued for study, work and family alike), so the caller
    is asked for it (422 purpose_required) instead of the case landing in a default unit.
    """
    concern = ctx.catalogue.concerns.get(submission.concern)
    if concern is None or submission.title_kind is None:
        return submission
    target_id = concern.concern_by_title.get(submission.title_kind.value)
    if not target_id or target_id == concern.id:
        return submission
    target = ctx.catalogue.concerns[target_id]
    needs_purpose = "purpose" in target.field_ids() and not target.is_optional("purpose")
    if needs_purpose and submission.purpose is None:
        raise BackendError(422, "purpose_required")
    return submission.model_copy(update={"concern": target_id})


def _check_references(ctx: BackendContext, submission: CaseSubmission) -> None:
    """Concern, purpose and nationality must be known (the same lists routing uses)."""
    concern = ctx.catalogue.concerns.get(submission.concern)
    if concern is None:
        raise BackendError(422, "unknown_concern")
    if submission.purpose is not None and submission.purpose not in concern.purposes:
        raise BackendError(422, "unknown_purpose")
    code = submission.nationality.upper()
    if code not in routing.EXTRA_NATIONALITIES and not pycountry.countries.get(alpha_3=code):
        raise BackendError(422, "unknown_nationality")


def _submit_once(ctx: BackendContext, session: Session, sub: CaseSubmission) -> tuple[CaseReceipt, int | None]:
    """The receipt, and the id of the case when this submission created one (its PDF is due).

    Idempotent retry, follow-up of this conversation's own open case, or a new case.
    A match with an open case of ANOTHER conversation is never joined to it and
    never mentioned to the client: it becomes a case of its own, linked to the open
    one as a possible duplicate for the unit to decide (knowing a name and birth
    date must neither reveal a case nor let anyone add to it).
    """
    entry = session.scalar(select(CaseEntry).where(CaseEntry.idempotency_key == sub.idempotency_key))
    if entry is not None:
        if entry.conversation_id != sub.conversation_id:
            raise BackendError(422, "idempotency_conflict")
        return _receipt(ctx, session, entry.case, sub.conversation_id, "existing"), None
    key = open_key(sub)
    own = session.scalar(
        select(Case).where(Case.match_key == key, Case.status == "open", Case.conversation_id == sub.conversation_id)
        .order_by(Case.id).limit(1))
    matching = session.scalar(select(Case).where(Case.open_key == key))
    if own is None and matching is not None and matching.conversation_id == sub.conversation_id:
        # Committed by a concurrent request of this conversation between the two reads
        # (PostgreSQL's READ COMMITTED sees it only in the second): still its own case.
        own = matching
    if own is not None:
        add_entry(session, own, sub, "follow_up", ctx)
        return _receipt(ctx, session, own, sub.conversation_id, "follow_up"), None
    case = _create_case(ctx, session, sub, key, duplicate_of=matching)
    add_entry(session, case, sub, "initial", ctx)
    create_confirmation(ctx, session, case)
    session.flush()
    if matching is not None:
        log.info("submission matched an open case of another conversation: new case flagged as possible duplicate")
    return _receipt(ctx, session, case, sub.conversation_id, "created"), case.id


# A client's confirmation may be this far ahead of the backend's clock (clock skew between
# the action server and the backend) and still count; anything later is the backend's now.
CLOCK_SKEW = timedelta(seconds=5)


def receipt_time(ctx: BackendContext, confirmed_at: datetime | None) -> datetime:
    """The moment of receipt: when the client confirmed to the assistant (issue 13), bounded.

    Never in the future and never older than the outbox's maximum age: otherwise the
    backend's own time, so no caller can backdate a case past an expiry date.
    """
    now = ctx.clock()
    if confirmed_at is None or confirmed_at.tzinfo is None or confirmed_at.utcoffset() is None:
        return now
    if confirmed_at > now + CLOCK_SKEW or confirmed_at < now - timedelta(seconds=ctx.settings.outbox_max_age_s):
        log.warning("submission: confirmation time out of bounds; using the time of arrival")
        return now
    return min(confirmed_at, now).astimezone(UTC)


def _stored(column: CaseColumn, value: Any) -> Any:
    """A submitted value as its column holds it (content/fields.yml `case: type`)."""
    if value is None:
        return None
    if column.type == "title_kind":
        return value.value
    if column.type == "country":
        return value.upper()
    return str(value) if column.type == "email" else value


def case_columns(sub: CaseSubmission) -> dict[str, Any]:
    """The case table's columns of the submitted fields (the message goes into the entry)."""
    return {name: _stored(column, getattr(sub, name)) for name, column in FIELD_COLUMNS.items()}


def _create_case(ctx: BackendContext, session: Session, sub: CaseSubmission, key: str,
                 duplicate_of: Case | None) -> Case:
    """A new case routed by its own particulars; a possible duplicate holds no open_key."""
    now = ctx.clock()
    received_at = receipt_time(ctx, sub.confirmed_at)
    decision = routing.route(
        ctx.routing,
        routing.facts_for(ctx.catalogue, concern=sub.concern, purpose=sub.purpose,
                          title_kind=sub.title_kind.value if sub.title_kind else None,
                          nationality=sub.nationality, family_name=sub.family_name),
        principal_unit=_principal_unit(session, sub.principal_case_number),
    )
    case = Case(
        case_number=_new_case_number(session, now.astimezone(OFFICE_TZ).year),
        status="open", open_key=None if duplicate_of else key, match_key=key,
        duplicate_of_id=duplicate_of.id if duplicate_of else None, unit=decision.unit, rule=decision.rule,
        concern=sub.concern, conversation_id=sub.conversation_id,
        channel=sub.channel, language=sub.language.value, received_at=received_at,
        **case_columns(sub),
    )
    session.add(case)
    session.flush()
    return case


def add_entry(session: Session, case: Case, sub: CaseSubmission | CaseFollowUp, kind: str,
              ctx: BackendContext) -> CaseEntry:
    """Record this submission in the case and attach its uploads (all or nothing)."""
    entry = CaseEntry(case_id=case.id, idempotency_key=sub.idempotency_key, conversation_id=sub.conversation_id,
                      kind=kind, message=sub.message, received_at=ctx.clock())
    session.add(entry)
    session.flush()
    ids = sub.upload_ids
    if not ids:
        return entry
    if len(set(ids)) != len(ids):
        raise BackendError(422, "duplicate_upload_ids")
    # One guarded UPDATE: under concurrency only one submission can claim a file.
    claimed = session.execute(
        update(Upload)
        .where(Upload.id.in_(ids), Upload.conversation_id == sub.conversation_id, Upload.case_id.is_(None))
        .values(case_id=case.id, entry_id=entry.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != len(ids):
        raise BackendError(422, "upload_not_available")
    return entry


def _principal_unit(session: Session, principal_case_number: str | None) -> str | None:
    """Unit of the principal's case when the number names one of ours."""
    if not principal_case_number:
        return None
    number = case_numbers.canonical(principal_case_number) or principal_case_number.strip().upper()
    return session.scalar(select(Case.unit).where(Case.case_number == number))


def _new_case_number(session: Session, year: int) -> str:
    """A random number of ``year`` (bot/case_numbers.py) that no case holds yet.

    Unique by the constraint on cases.case_number: a number taken between this look and
    the commit (odds ~1 in 10^10 per case) raises IntegrityError, and submit() retries
    with a fresh number.
    """
    for _ in range(MAX_ATTEMPTS):
        number = case_numbers.new_case_number(year)
        if session.scalar(select(Case.id).where(Case.case_number == number)) is None:
            return number
    raise BackendError(503, "busy")


def _fold(text: str) -> str:
    """Casefold, strip diacritics, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip()


def open_key(sub: CaseSubmission) -> str:
    """Hash identifying person + concern, for "one open case per person and concern"."""
    parts = (_fold(sub.given_names), _fold(sub.family_name), sub.date_of_birth.isoformat(),
             sub.nationality.upper(), sub.concern)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _receipt(ctx: BackendContext, session: Session, case: Case, conversation_id: str, status: str) -> CaseReceipt:
    """The receipt; a download token and the follow-up key only for the conversation that opened the case."""
    confirmation = case.confirmation
    follow_up_key = None
    if conversation_id == case.conversation_id:
        token, expires_at = issue_download_token(ctx, session, case, conversation_id)
        follow_up_key = ctx.follow_up_key(case.case_number, confirmation.verification_code)
    else:
        # Belt and braces (submit() never answers another conversation's case): the PDF
        # carries the personal data of whoever opened the case.
        token, expires_at = "", ctx.clock()
    return CaseReceipt(
        case_number=case.case_number, status=status, unit=case.unit, rule=case.rule,
        # Clients read a neutral name when they gave a principal's case number (routing.client_unit_label).
        unit_names={lang: ctx.routing.client_unit_label(case.unit, lang, case.principal_case_number)
                    for lang in ("de", "en")},
        received_at=case.received_at, verification_code=confirmation.verification_code,
        fiktionswirkung=confirmation.fiktion_applies, download_token=token,
        fiktion_note=ctx.fiktion.note_of(confirmation.fiktion_reason),
        download_expires_at=expires_at, follow_up_key=follow_up_key,
    )


def receipts_for_conversation(ctx: BackendContext, conversation_id: str, limit: int = 5) -> list[CaseReceipt]:
    """Receipts of the cases this conversation opened: the newest ``limit``, oldest first
    (the latest is last), each with a fresh download token.

    Cases it only added to with a case number and code are left out: their
    confirmation belongs to whoever opened them.
    """
    with transaction(ctx.sessions) as session:
        cases = session.scalars(
            select(Case).where(Case.conversation_id == conversation_id)
            .order_by(Case.received_at.desc(), Case.id.desc()).limit(limit)
        ).all()
        return [_receipt(ctx, session, case, conversation_id, "existing") for case in reversed(cases)]
