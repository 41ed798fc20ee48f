"""Follow-ups: a client adds to their own case, from its conversation or with its follow-up key.

Who may add to a case:
- the conversation that opened it (its identity, bot/gateway/identity.py): no key needed;
- any other conversation with the case number and the case's follow-up key, which only
  the opening conversation was shown in the chat (bot/backend/security.follow_up_key).
The verification code printed on the confirmation is NOT enough: the client hands the
PDF to employers and universities, so it only verifies (GET /verify/<code>).

Wrong keys are counted per case: after ``MAX_CODE_FAILURES`` the case takes no keyed
follow-ups for ``LOCK_PERIOD`` (its own conversation still can). Unknown number, wrong
or missing key and a locked case get the same answer, so nobody learns whether a case
exists. A request without a key from a foreign conversation is refused without counting
(nothing was guessed).
"""

from __future__ import annotations

import hmac
import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.backend import audit
from bot.backend.cases import MAX_ATTEMPTS, add_entry
from bot.backend.context import BackendContext
from bot.backend.db import transaction, writer_slot
from bot.backend.errors import BackendError
from bot.backend.models import Case, CaseEntry
from bot.backend.security import normalise_key
from bot.models import CaseFollowUp, FollowUpReceipt

log = logging.getLogger(__name__)
MAX_CODE_FAILURES = 5
LOCK_PERIOD = timedelta(hours=24)
CLIENT = "client"  # audit_log.unit of attempts made by clients (no staff unit)
# Compared against when the case does not exist, so both paths do the same work.
_NO_KEY = "----"
# case_entries.kind: added from the opening conversation / with the follow-up key. Entries
# made before the key existed (case number + verification code) keep their kind "by_code".
OWN, BY_KEY = "follow_up", "by_key"


def _refused() -> BackendError:
    """The one answer to an unknown number, a wrong or missing key and a locked case."""
    return BackendError(404, "follow_up_refused")


def add_follow_up(ctx: BackendContext, request: CaseFollowUp) -> FollowUpReceipt:
    """Add the message and uploads to the case, or refuse neutrally.

    A refusal is returned from the transaction (not raised in it) so the failure
    count and the audit row are committed before the answer goes out.
    """
    for _ in range(MAX_ATTEMPTS):
        try:
            with writer_slot(ctx.engine), transaction(ctx.sessions) as session:
                outcome = _attempt(ctx, session, request)
        except IntegrityError:
            continue  # the same idempotency key raced in: the retry answers "existing"
        if isinstance(outcome, BackendError):
            raise outcome
        return outcome
    raise BackendError(503, "busy")


def _attempt(ctx: BackendContext, session: Session, request: CaseFollowUp) -> FollowUpReceipt | BackendError:
    entry = session.scalar(select(CaseEntry).where(CaseEntry.idempotency_key == request.idempotency_key))
    if entry is not None:
        if entry.conversation_id != request.conversation_id or entry.kind not in (OWN, BY_KEY):
            raise BackendError(422, "idempotency_conflict")
        return FollowUpReceipt(status="existing", case_number=entry.case.case_number, received_at=entry.received_at)
    number = request.case_number.strip().upper()[:20]
    # FOR UPDATE: parallel guesses at one case are counted one after the other (PostgreSQL).
    case = session.scalar(select(Case).where(Case.case_number == number).with_for_update())
    expected = (ctx.follow_up_key(case.case_number, case.confirmation.verification_code)
                if case is not None and case.confirmation else _NO_KEY)
    presented = normalise_key(request.follow_up_key) or ""
    matches = hmac.compare_digest(presented.encode(), expected.encode())
    if case is None:
        audit.record(ctx, session, unit=CLIENT, action="follow_up_key", ok=False)
        return _refused()
    own = hmac.compare_digest(case.conversation_id.encode(), request.conversation_id.encode())
    now = ctx.clock()
    if not own:
        if not presented:
            # Nothing guessed (e.g. only a case number, or a verification code): not counted.
            audit.record(ctx, session, unit=CLIENT, action="follow_up_no_key", case_number=number, ok=False)
            return _refused()
        if case.code_locked_until is not None and case.code_locked_until > now:
            audit.record(ctx, session, unit=CLIENT, action="follow_up_locked", case_number=number, ok=False)
            return _refused()
        if not matches:
            return _count_failure(ctx, session, case, now)
        case.code_failures = 0
    if case.status != "open":
        audit.record(ctx, session, unit=CLIENT, action="follow_up_key", case_number=number, ok=True)
        return BackendError(409, "case_closed")  # told only to whoever holds the key or the conversation
    if request.check_only:
        audit.record(ctx, session, unit=CLIENT, action="follow_up_check", case_number=number, ok=True)
        return FollowUpReceipt(status="verified", case_number=number, received_at=now)
    added = add_entry(session, case, request, OWN if own else BY_KEY, ctx)
    audit.record(ctx, session, unit=CLIENT, action="follow_up_added", case_number=number, ok=True)
    return FollowUpReceipt(status="added", case_number=number, received_at=added.received_at)


def _count_failure(ctx: BackendContext, session: Session, case: Case, now) -> BackendError:
    """One more wrong key; the fifth locks the case for keyed follow-ups (and starts counting anew)."""
    case.code_failures += 1
    action = "follow_up_key"
    if case.code_failures >= MAX_CODE_FAILURES:
        case.code_failures, case.code_locked_until, action = 0, now + LOCK_PERIOD, "follow_up_lock"
        log.warning("follow-up: a case was locked after %d wrong follow-up keys", MAX_CODE_FAILURES)
    audit.record(ctx, session, unit=CLIENT, action=action, case_number=case.case_number, ok=False)
    return _refused()
