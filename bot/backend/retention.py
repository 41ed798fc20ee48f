"""Deletion of data that is no longer needed: done cases, unsubmitted uploads, old links."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.backend.context import BackendContext
from bot.backend.db import transaction
from bot.backend.models import Case, DownloadToken, FollowUpThrottle, Upload

log = logging.getLogger(__name__)
# Expired download tokens are kept this long so a late click gets "expired", not "unknown".
EXPIRED_TOKEN_GRACE = timedelta(days=30)


@dataclass(frozen=True)
class PurgeResult:
    cases: int
    uploads: int
    tokens: int


def purge_expired(ctx: BackendContext, now: datetime | None = None) -> PurgeResult:
    """Delete cases done longer ago than the retention period, with everything attached.

    Also deletes uploads never submitted within ``tracker_retention_s`` (the
    conversation they belonged to is gone by then) and long-expired download tokens.
    """
    now = now or ctx.clock()
    settings = ctx.settings
    case_cutoff = now - timedelta(days=settings.retention_days_after_done)
    upload_cutoff = now - timedelta(seconds=settings.tracker_retention_s)
    with transaction(ctx.sessions) as session:
        case_ids = select(Case.id).where(Case.status == "done", Case.done_at < case_cutoff)
        orphan = (Upload.case_id.is_(None)) & (Upload.created_at < upload_cutoff)
        paths = session.scalars(select(Upload.storage_path).where(Upload.case_id.in_(case_ids) | orphan)).all()
        uploads = session.execute(delete(Upload).where(Upload.case_id.in_(case_ids) | orphan)).rowcount
        cases = session.execute(delete(Case).where(Case.id.in_(case_ids))).rowcount
        tokens = session.execute(
            delete(DownloadToken).where(DownloadToken.expires_at < now - EXPIRED_TOKEN_GRACE)).rowcount
        # Counts of wrong follow-up keys matter for minutes (bot/backend/follow_ups.py).
        session.execute(delete(FollowUpThrottle).where(FollowUpThrottle.window_start < now - timedelta(days=1)))
    for relative in paths:
        (settings.var_dir / relative).unlink(missing_ok=True)
    if cases or uploads or tokens:
        log.info("retention: deleted %d case(s), %d file(s), %d expired link(s)", cases, uploads, tokens)
    return PurgeResult(cases=cases, uploads=uploads, tokens=tokens)
