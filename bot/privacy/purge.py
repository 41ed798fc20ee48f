"""Tracker retention: delete what Rasa's SQL tracker store keeps about old conversations.

Rasa stores every event of a conversation (messages with their texts, slot values
with names, e-mail addresses and dates of birth) in the table ``events`` (columns
``sender_id``, ``type_name``, ``timestamp``, ``data``). The backend holds the case;
the tracker copy is only needed while the client is talking. So:

1. A conversation with no event for ``tracker_retention_s`` loses all its events
   (the next message starts a fresh conversation).
2. In a conversation that is still active, events older than the retention time
   *and* older than its latest ``session_started`` are deleted: Rasa loads only the
   latest session, so the running conversation is not touched.

Deleting rather than rewriting events is deliberate: rewriting JSON in place for
every event type is error-prone, and a deleted row cannot leak anything.

Usage: ``python -m bot.privacy.purge`` (once) or ``--every 600`` (loop, e.g. a
container of its own); the gateway also runs it periodically (``periodic_purge``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, text
from starlette.concurrency import run_in_threadpool

from bot.config import Settings, get_settings
from bot.logsafety import configure_logging

log = logging.getLogger(__name__)
PURGE_INTERVAL_S = 600
SESSION_STARTED = "session_started"

# Conversations whose newest event is older than the cutoff.
_INACTIVE = text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff")
# Checked again at delete time: the client may have written since the SELECT.
_DELETE_CONVERSATION = text(
    "DELETE FROM events WHERE sender_id = :sender"
    " AND (SELECT MAX(newest.timestamp) FROM events AS newest WHERE newest.sender_id = :sender) < :cutoff"
)
# Events of earlier sessions (before the conversation's latest session start) past the cutoff.
_DELETE_OLD_SESSIONS = text(
    "DELETE FROM events WHERE timestamp < :cutoff AND timestamp < ("
    " SELECT MAX(latest.timestamp) FROM events AS latest"
    " WHERE latest.sender_id = events.sender_id AND latest.type_name = :started)"
)


@dataclass(frozen=True)
class PurgeResult:
    conversations_deleted: int
    old_session_events_deleted: int


def tracker_database_url(settings: Settings) -> str:
    """The tracker store's SQLAlchemy URL: the setting, else the embedded SQLite file."""
    return settings.tracker_database_url or f"sqlite:///{settings.var_dir / 'tracker.sqlite3'}"


def _has_events_table(engine: Engine) -> bool:
    """False before Rasa has created its store (nothing to purge yet; no empty file made)."""
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and not Path(database).exists():
        return False
    return inspect(engine).has_table("events")


def purge_trackers(url: str, retention_s: float, now: float | None = None) -> PurgeResult:
    """Delete inactive conversations and old sessions older than retention_s; counts what went."""
    cutoff = (time.time() if now is None else now) - retention_s
    engine = create_engine(url)
    try:
        if not _has_events_table(engine):
            return PurgeResult(0, 0)
        with engine.begin() as connection:
            inactive = list(connection.execute(_INACTIVE, {"cutoff": cutoff}).scalars())
        for sender in inactive:
            # One short transaction per conversation: Rasa keeps writing meanwhile.
            with engine.begin() as connection:
                connection.execute(_DELETE_CONVERSATION, {"sender": sender, "cutoff": cutoff})
        with engine.begin() as connection:
            old = connection.execute(_DELETE_OLD_SESSIONS, {"cutoff": cutoff, "started": SESSION_STARTED}).rowcount
    finally:
        engine.dispose()
    return PurgeResult(len(inactive), old or 0)


def purge_now(settings: Settings) -> PurgeResult:
    """One purge run with the configured store and retention; logs counts only."""
    result = purge_trackers(tracker_database_url(settings), settings.tracker_retention_s)
    if result.conversations_deleted or result.old_session_events_deleted:
        log.info(
            "tracker retention: deleted %d inactive conversation(s), %d event(s) of old sessions",
            result.conversations_deleted, result.old_session_events_deleted,
        )
    return result


async def periodic_purge(settings: Settings, interval_s: float = PURGE_INTERVAL_S) -> None:
    """Purge now and then every interval; a failure is logged and retried next round."""
    while True:
        try:
            await run_in_threadpool(purge_now, settings)
        except Exception as error:  # the database may be down for a while; never stop the job
            log.warning("tracker retention: purge failed (%s); retrying in %.0f s", type(error).__name__, interval_s)
        await asyncio.sleep(interval_s)


def main(argv: list[str] | None = None) -> int:
    """Run the purge once, or every --every seconds."""
    parser = argparse.ArgumentParser(prog="python -m bot.privacy.purge", description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=0, help="repeat every N seconds (default: run once)")
    args = parser.parse_args(argv)
    configure_logging()
    settings = get_settings()
    while True:
        result = purge_now(settings)
        print(f"deleted {result.conversations_deleted} conversation(s), "
              f"{result.old_session_events_deleted} old-session event(s)", flush=True)
        if not args.every:
            return 0
        time.sleep(args.every)


if __name__ == "__main__":
    raise SystemExit(main())
