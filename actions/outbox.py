"""Durable outbox for submissions the backend could not take right now.

A submission that fails with BackendUnavailable is written here (SQLite, one
row per idempotency key) before the client is told it is queued. A background
thread retries every few seconds; the backend's idempotency key makes every
retry safe, so each case arrives exactly once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path

from actions import backend_client
from bot.config import get_settings
from bot.models import CaseReceipt, CaseSubmission

log = logging.getLogger(__name__)
RETRY_INTERVAL_S = 3.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    idempotency_key TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL,
    delivered_at REAL,
    receipt TEXT
)
"""
_worker_lock = threading.Lock()
_worker_started = False


def _db_path() -> Path:
    return get_settings().var_dir / "outbox.sqlite3"


def _connect() -> sqlite3.Connection:
    path = _db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(_SCHEMA)
    return conn


def enqueue(submission: CaseSubmission) -> None:
    with _connect() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO outbox (idempotency_key, conversation_id, payload, created_at) VALUES (?, ?, ?, ?)",
            (submission.idempotency_key, submission.conversation_id, submission.model_dump_json(), time.time()),
        )
    ensure_worker()


def pending_for(conversation_id: str) -> int:
    with _connect() as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE conversation_id = ? AND delivered_at IS NULL", (conversation_id,)
        ).fetchone()
    return int(row[0])


def delivered_receipt(conversation_id: str) -> CaseReceipt | None:
    with _connect() as conn:
        row = conn.execute(
            "SELECT receipt FROM outbox WHERE conversation_id = ? AND delivered_at IS NOT NULL ORDER BY delivered_at DESC LIMIT 1",
            (conversation_id,),
        ).fetchone()
    return CaseReceipt.model_validate_json(row[0]) if row else None


def stats() -> tuple[int, float | None]:
    """How many submissions wait, and when the oldest was queued (epoch seconds)."""
    with _connect() as conn:
        count, oldest = conn.execute(
            "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE delivered_at IS NULL"
        ).fetchone()
    return int(count), oldest


async def deliver_pending() -> int:
    """Send every queued submission once; returns how many were delivered."""
    with _connect() as conn:
        rows = conn.execute("SELECT idempotency_key, payload FROM outbox WHERE delivered_at IS NULL").fetchall()
    delivered = 0
    for key, payload in rows:
        try:
            receipt = await backend_client.submit_case(CaseSubmission.model_validate(json.loads(payload)))
        except backend_client.BackendUnavailable:
            break  # still down: try again later, in order
        except backend_client.BackendRejected:
            log.warning("outbox: backend refused a queued submission; kept for staff review")
            continue
        with _connect() as conn:
            conn.execute(
                "UPDATE outbox SET delivered_at = ?, receipt = ? WHERE idempotency_key = ?",
                (time.time(), receipt.model_dump_json(), key),
            )
        delivered += 1
    if delivered:
        log.info("outbox: delivered %d queued submission(s)", delivered)
    return delivered


def _worker() -> None:
    while True:
        time.sleep(RETRY_INTERVAL_S)
        try:
            if asyncio.run(_has_pending()):
                asyncio.run(deliver_pending())
        except Exception:  # keep retrying whatever happens; the rows stay in the table
            log.exception("outbox: delivery round failed")


async def _has_pending() -> bool:
    with _connect() as conn:
        return conn.execute("SELECT 1 FROM outbox WHERE delivered_at IS NULL LIMIT 1").fetchone() is not None


def ensure_worker() -> None:
    """Start the retry thread once per process (also picks up rows left by a restart)."""
    global _worker_started
    with _worker_lock:
        if not _worker_started:
            threading.Thread(target=_worker, name="outbox", daemon=True).start()
            _worker_started = True
