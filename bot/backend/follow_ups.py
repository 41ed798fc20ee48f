"""Follow-ups: a client adds to their own case, from its conversation or with its follow-up key.

Who may add to a case:
- the conversation that opened it (its identity, bot/gateway/identity.py): no key needed,
  never slowed down or refused for anything others did;
- any other conversation with the case number and the case's follow-up key, which only
  the opening conversation was shown in the chat (bot/backend/security.follow_up_key).
The verification code printed on the confirmation is NOT enough: the client hands the
PDF to employers and universities, so it only verifies (GET /verify/<code>).

Wrong keys are counted per SOURCE, not per case (a case-wide lock let anyone who knew a
case number lock its client out for 24 h): per conversation and per client address (the
gateway passes a keyed hash of it as ``source``; Telegram chats have none). After
``SOURCE_FAILURES`` wrong keys within ``SOURCE_WINDOW`` a source backs off for
``BACKOFF`` (the setting ``follow_up_backoff_s``; doubling up to ``MAX_BACKOFF``); meanwhile its keys are not even compared.
Per case number there is only a gentle slowdown: above ``CASE_HOT`` wrong keys within
``CASE_WINDOW`` each further wrong key counts twice for its sources; it refuses nobody
and ends within minutes. The key carries 80 bits: guessing it is hopeless anyway.

Unknown number, wrong or missing key and a throttled source get the same answer, and a
wrong key counts alike for an existing and an unknown number, so nobody learns whether a
case exists. A request without a well-formed key from a foreign conversation is refused
without counting (nothing was guessed).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import case_numbers
from bot.backend import audit
from bot.backend.cases import MAX_ATTEMPTS, add_entry
from bot.backend.context import BackendContext
from bot.backend.db import transaction, writer_slot
from bot.backend.errors import BackendError
from bot.backend.models import Case, CaseEntry, FollowUpThrottle
from bot.backend.security import normalise_key
from bot.config import Settings
from bot.models import CaseFollowUp, FollowUpReceipt

log = logging.getLogger(__name__)
# Per source (conversation, client address): this many wrong keys within the window ...
SOURCE_FAILURES = 5
SOURCE_WINDOW = timedelta(minutes=10)
# ... and the source backs off this long (INTAKE_FOLLOW_UP_BACKOFF_S, default a minute),
# doubling with each back-off up to the maximum; after an hour without a wrong key the next
# back-off is short again.
BACKOFF = timedelta(seconds=Settings.model_fields["follow_up_backoff_s"].default)
MAX_BACKOFF = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
# Per case number: above this many wrong keys within the window, wrong keys count twice.
CASE_HOT = 20
CASE_WINDOW = timedelta(minutes=5)
CLIENT = "client"  # audit_log.unit of attempts made by clients (no staff unit)
# Compared against when the case does not exist, so both paths do the same work.
_NO_KEY = "----"
# case_entries.kind: added from the opening conversation / with the follow-up key. Entries
# made before the key existed (case number + verification code) keep their kind "by_code".
OWN, BY_KEY = "follow_up", "by_key"


def _refused() -> BackendError:
    """The one answer to an unknown number, a wrong or missing key and a throttled source."""
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
    # Either shape (random with check character, or an older sequential number); a mistyped
    # one is no case (the chat answered it before asking, bot/case_numbers.py).
    number = case_numbers.canonical(request.case_number)
    case = session.scalar(select(Case).where(Case.case_number == number)) if number else None
    own = case is not None and hmac.compare_digest(case.conversation_id.encode(), request.conversation_id.encode())
    now = ctx.clock()
    if not own:
        presented = normalise_key(request.follow_up_key) or ""
        if not presented:
            # Nothing guessed (e.g. only a case number, or a verification code): not counted.
            audit.record(ctx, session, unit=CLIENT, action="follow_up_no_key" if case else "follow_up_key",
                         case_number=case.case_number if case else None, ok=False)
            return _refused()
        sources = _throttles(ctx, session, _source_keys(ctx, request), now)
        if any(row.blocked_until is not None and row.blocked_until > now for row in sources):
            audit.record(ctx, session, unit=CLIENT, action="follow_up_throttled",
                         case_number=case.case_number if case else None, ok=False)
            return _refused()
        expected = (ctx.follow_up_key(case.case_number, case.confirmation.verification_code)
                    if case is not None and case.confirmation else _NO_KEY)
        if not hmac.compare_digest(presented.encode(), expected.encode()) or case is None:
            return _count_failure(ctx, session, request, case, sources, now)
    if case.status != "open":
        audit.record(ctx, session, unit=CLIENT, action="follow_up_key", case_number=case.case_number, ok=True)
        return BackendError(409, "case_closed")  # told only to whoever holds the key or the conversation
    if request.check_only:
        audit.record(ctx, session, unit=CLIENT, action="follow_up_check", case_number=case.case_number, ok=True)
        return FollowUpReceipt(status="verified", case_number=case.case_number, received_at=now)
    added = add_entry(session, case, request, OWN if own else BY_KEY, ctx)
    audit.record(ctx, session, unit=CLIENT, action="follow_up_added", case_number=case.case_number, ok=True)
    return FollowUpReceipt(status="added", case_number=case.case_number, received_at=added.received_at)


def _hashed(ctx: BackendContext, kind: str, value: str) -> str:
    """A throttle row's key: kind + keyed hash (no conversation id, address or case number stored)."""
    secret = (ctx.follow_up_secret or ctx.settings.internal_token or "throttle").encode()
    return f"{kind}:" + hmac.new(secret, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _source_keys(ctx: BackendContext, request: CaseFollowUp) -> list[str]:
    """Whom a wrong key is counted against: the conversation, and the client address when the gateway passed one."""
    keys = [_hashed(ctx, "conv", request.conversation_id)]
    if request.source:
        keys.append(_hashed(ctx, "addr", request.source))
    return keys


def _throttles(ctx: BackendContext, session: Session, keys: list[str], now: datetime) -> list[FollowUpThrottle]:
    """The rows of these keys, created when missing (a concurrent insert: IntegrityError, retried).

    FOR UPDATE: parallel guesses from one source are counted one after the other (PostgreSQL).
    """
    rows = []
    for key in keys:
        row = session.scalar(select(FollowUpThrottle).where(FollowUpThrottle.key == key).with_for_update())
        if row is None:
            row = FollowUpThrottle(key=key, failures=0, window_start=now, blocked_until=None, backoffs=0)
            session.add(row)
            session.flush()
        rows.append(row)
    return rows


def _count(row: FollowUpThrottle, now: datetime, window: timedelta, weight: int = 1) -> None:
    """Add ``weight`` wrong keys to the row's window (a new window once the last one ended)."""
    if row.window_start + window <= now:
        if row.window_start + FORGET_AFTER <= now:
            row.backoffs = 0  # quiet for an hour: the next back-off is short again
        row.failures, row.window_start = 0, now
    row.failures += weight


def backoff(settings: Settings) -> timedelta:
    """A source's first back-off (the setting; BACKOFF by default)."""
    return timedelta(seconds=settings.follow_up_backoff_s)


def _count_failure(ctx: BackendContext, session: Session, request: CaseFollowUp, case: Case | None,
                   sources: list[FollowUpThrottle], now: datetime) -> BackendError:
    """One more wrong key (or a key for an unknown number: counted alike, no oracle)."""
    typed = case_numbers.canonical(request.case_number) or request.case_number.strip().upper()[:40]
    per_case = _throttles(ctx, session, [_hashed(ctx, "case", typed)], now)[0]
    _count(per_case, now, CASE_WINDOW)
    weight = 2 if per_case.failures > CASE_HOT else 1
    action = "follow_up_key"
    for row in sources:
        _count(row, now, SOURCE_WINDOW, weight)
        if row.failures >= SOURCE_FAILURES:
            row.blocked_until = now + min(backoff(ctx.settings) * 2 ** row.backoffs, MAX_BACKOFF)
            row.backoffs, row.failures, row.window_start, action = row.backoffs + 1, 0, now, "follow_up_backoff"
    if action == "follow_up_backoff":
        log.info("follow-up: a source backs off after %d wrong follow-up keys", SOURCE_FAILURES)
    audit.record(ctx, session, unit=CLIENT, action=action, case_number=case.case_number if case else None, ok=False)
    return _refused()
