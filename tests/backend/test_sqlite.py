"""SQLite specifics: writers take the lock at BEGIN, readers never wait for them."""

from __future__ import annotations

import time

from sqlalchemy import text

from bot.backend.db import make_engine, make_session_factory
from bot.backend.migrations import upgrade_to_head


def test_a_reader_is_not_blocked_by_an_open_write_transaction(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'b.sqlite3'}")
    upgrade_to_head(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    writer = make_session_factory(engine)()
    writer.execute(text("INSERT INTO case_counters (year, last) VALUES (2000, 1)"))  # holds the write lock
    started = time.monotonic()
    with make_session_factory(engine, read_only=True)() as reader:
        assert reader.execute(text("SELECT count(*) FROM case_counters")).scalar() == 0
    assert time.monotonic() - started < 1.0
    writer.commit()
    with make_session_factory(engine, read_only=True)() as reader:
        assert reader.execute(text("SELECT count(*) FROM case_counters")).scalar() == 1
    writer.close()
    engine.dispose()
