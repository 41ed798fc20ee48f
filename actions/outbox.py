"""Durable outbox for submissions the backend could not take right now.

A submission that fails with BackendUnavailable is written here (one row per
idempotency key) before the client is told it is queued. A worker retries every few
seconds; the backend's idempotency key makes every retry safe, so each case arrives
exactly once.

Where the rows live: a SQLite file per action server (embedded default,
``var/outbox.sqlite3``), or, with ``INTAKE_OUTBOX_DATABASE_URL`` (scale-out), one
PostgreSQL table every action server shares. There each row is claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` for the time of its delivery: two servers never
send the same row at once, and the rows of a server that died (its lock ends with its
connection) are delivered by the others.

``python -m actions.outbox [--interval S]`` runs the worker alone (tests, operations).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import threading
import time

from sqlalchemy import Column, Float, MetaData, String, Table, Text, create_engine, event, func, select, update
from sqlalchemy.engine import Engine

from actions import backend_client
from bot.config import get_settings
from bot.models import CaseReceipt, CaseSubmission

log = logging.getLogger(__name__)
RETRY_INTERVAL_S = 3.0

_metadata = MetaData()
outbox = Table(
    "outbox", _metadata,
    Column("idempotency_key", String(128), primary_key=True),
    Column("conversation_id", String(200), nullable=False, index=True),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float),
    Column("receipt", Text),
)  # fmt: skip
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_worker_lock = threading.Lock()
_worker_started = False


def database_url() -> str:
    settings = get_settings()
    return settings.outbox_database_url or f"sqlite:///{settings.var_dir / 'outbox.sqlite3'}"


def engine() -> Engine:
    """One engine per database URL, the table created on first use."""
    url = database_url()
    with _engines_lock:
        if url not in _engines:
            if url.startswith("sqlite:///"):
                from pathlib import Path

                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                created = create_engine(url, connect_args={"timeout": 10})
                event.listen(created, "connect", lambda conn, _: conn.execute("PRAGMA journal_mode=WAL"))
            else:
                created = create_engine(url, pool_pre_ping=True, hide_parameters=True)
            _metadata.create_all(created)
            _engines[url] = created
        return _engines[url]


def shared() -> bool:
    """True when rows are claimed with row locks (PostgreSQL)."""
    return engine().dialect.name == "postgresql"


def enqueue(submission: CaseSubmission, start_worker: bool = True) -> None:
    row = {"idempotency_key": submission.idempotency_key, "conversation_id": submission.conversation_id,
           "payload": submission.model_dump_json(), "created_at": time.time()}
    with engine().begin() as conn:
        exists = conn.execute(select(outbox.c.idempotency_key).where(
            outbox.c.idempotency_key == submission.idempotency_key)).first()
        if exists is None:
            conn.execute(outbox.insert().values(**row))
    if start_worker:
        ensure_worker()


def pending_for(conversation_id: str) -> int:
    with engine().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(outbox).where(
            outbox.c.conversation_id == conversation_id, outbox.c.delivered_at.is_(None))).scalar_one())


def delivered_receipt(conversation_id: str) -> CaseReceipt | None:
    with engine().connect() as conn:
        row = conn.execute(select(outbox.c.receipt).where(
            outbox.c.conversation_id == conversation_id, outbox.c.delivered_at.is_not(None),
        ).order_by(outbox.c.delivered_at.desc()).limit(1)).first()
    return CaseReceipt.model_validate_json(row[0]) if row else None


def stats() -> tuple[int, float | None]:
    """How many submissions wait, and when the oldest was queued (epoch seconds)."""
    with engine().connect() as conn:
        count, oldest = conn.execute(select(func.count(), func.min(outbox.c.created_at)).where(
            outbox.c.delivered_at.is_(None))).one()
    return int(count), oldest


async def deliver_pending() -> int:
    """Send every queued submission once; returns how many were delivered."""
    delivered, refused = 0, set()
    while True:
        outcome = await _deliver_one(refused)
        if outcome in (None, "down"):
            break  # nothing left to claim, or still down: try again later, in order
        delivered += outcome == "delivered"
    if delivered:
        log.info("outbox: delivered %d queued submission(s)", delivered)
    return delivered


async def _deliver_one(refused: set[str]) -> str | None:
    """Claim the oldest waiting row, send it, mark it; None when nothing is claimable."""
    query = select(outbox.c.idempotency_key, outbox.c.payload).where(outbox.c.delivered_at.is_(None))
    if refused:
        query = query.where(outbox.c.idempotency_key.not_in(refused))
    query = query.order_by(outbox.c.created_at).limit(1)
    with engine().connect() as conn:
        # PostgreSQL: the row stays locked until the delivery is recorded (or this
        # process dies); SQLite has one action server and needs no lock.
        transaction = conn.begin() if shared() else None
        row = conn.execute(query.with_for_update(skip_locked=True) if transaction else query).first()
        if row is None:
            return None
        key, payload = row
        try:
            receipt = await backend_client.submit_case(CaseSubmission.model_validate(json.loads(payload)))
        except backend_client.BackendUnavailable:
            return "down"
        except backend_client.BackendRejected:
            log.warning("outbox: backend refused a queued submission; kept for staff review")
            refused.add(key)
            return "refused"
        conn.execute(update(outbox).where(outbox.c.idempotency_key == key).values(
            delivered_at=time.time(), receipt=receipt.model_dump_json()))
        if transaction is not None:
            transaction.commit()
        else:
            conn.commit()
    return "delivered"


def _worker(interval_s: float = RETRY_INTERVAL_S) -> None:
    while True:
        time.sleep(interval_s)
        try:
            if stats()[0]:
                asyncio.run(deliver_pending())
        except Exception:  # keep retrying whatever happens; the rows stay in the table
            log.exception("outbox: delivery round failed")


def ensure_worker() -> None:
    """Start the retry thread once per process (also picks up rows left by a restart)."""
    global _worker_started
    with _worker_lock:
        if not _worker_started:
            threading.Thread(target=_worker, name="outbox", daemon=True).start()
            _worker_started = True


def main() -> None:
    parser = argparse.ArgumentParser(description="Deliver waiting submissions until stopped.")
    parser.add_argument("--interval", type=float, default=RETRY_INTERVAL_S)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _worker(args.interval)


if __name__ == "__main__":
    main()
