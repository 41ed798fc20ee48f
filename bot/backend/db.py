"""Database engine and sessions, created per app (never at import time)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 15_000


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``: SQLite with WAL and immediate transactions, or PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: error messages (and so logs) never carry the personal data of a case.
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, hide_parameters=True)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """WAL, busy timeout, foreign keys; writing transactions take the write lock at BEGIN.

    BEGIN IMMEDIATE serialises writers up front, so a read-then-write transaction
    never fails with "database is locked" half-way (the busy timeout waits instead).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Readers (WAL) need no lock and must not queue behind a writer.
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine, read_only: bool = False) -> sessionmaker[Session]:
    """Session factory bound to ``engine``; objects stay readable after commit."""
    bind = engine.execution_options(read_only=True) if read_only else engine
    return sessionmaker(bind, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session in one transaction: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


_SQLITE_WRITER = threading.Lock()


def writer_slot(engine: Engine) -> AbstractContextManager:
    """A process-wide lock for SQLite writers; PostgreSQL writers run concurrently.

    SQLite has one writer at a time: queueing this process's writers here is faster and
    fairer than letting them poll the busy timeout (benchmarks saw 503s).
    """
    return _SQLITE_WRITER if engine.dialect.name == "sqlite" else nullcontext()


def lock_conversation(session: Session, conversation_id: str) -> None:
    """Serialise writers of one conversation (PostgreSQL; SQLite already serialises)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:c))"), {"c": conversation_id})
