"""Rasa's SQL tracker store, loading only the recent part of a long conversation.

Runs inside Rasa (endpoints.yml ``type: bot.windowed_tracker_store.WindowedSQLTrackerStore``).
Rasa 3.6 rebuilds the whole session from the database on every message, copies and
replays it several times per turn and sends all of it to the action server, so a turn
got slower with every earlier turn (issue 17: about 0.6 ms per turn). This store loads:

- the session's opening events (session start, carried-over slots) up to its first message,
- the state the older turns left: the latest value of each slot and the latest active
  form (after the latest restart or slot reset), and
- every event of the last ``window_turns`` client messages.

Policies look back only a few turns (MemoizationPolicy's max_history, rules), slots
carry everything the form collected, so decisions are the same; the database keeps
every event (retention, staff, ``retrieve_full_tracker``). New events are appended after
what is stored, counted from what was loaded.

On SQLite the database is switched to write-ahead logging (as the backend's is): Rasa commits
once per message, and in SQLite's default rollback-journal mode a commit creates, syncs and
deletes a journal file (~24 ms on this machine's disk, a sixth of a turn); in WAL mode it
appends to the log (well under 1 ms) as long as another connection is open (see
``_held_connection``). ``synchronous`` stays at SQLite's default FULL, so a
committed turn is as durable as before; readers (purge, console, backup's online copy,
which includes the WAL) no longer wait for Rasa's writes.

A turn's rows are written and committed in a worker thread (one for SQLite, whose writes
are one at a time anyway): the turn still waits for its commit (and SQLite's disk sync),
but Rasa's one event loop goes on with other conversations meanwhile. Rasa's own ``save``
runs the commit inside the loop, so every disk sync (2.5-5 ms at load 5) stalled every
conversation (issue 17, 20 concurrent enquiries). Messages of one conversation are handled
one at a time (Rasa's lock store), so its saves never overlap.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from typing import Any, Iterator, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_window import window

DEFAULT_WINDOW_TURNS = 20
# endpoints.yml `synchronous:` on SQLite. FULL (default): a committed turn survives a power
# loss. NORMAL: it survives a crash of Rasa, not of the machine; the commit then needs no
# disk sync (the sync blocks Rasa's event loop, measured in docs/BENCHMARKS.md).
SYNCHRONOUS = {"full": "FULL", "normal": "NORMAL"}
_LOADED = "_intake_loaded_events"  # on a retrieved tracker: (events loaded, events stored then)


class WindowedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose ``retrieve`` returns the session's state plus its recent turns."""

    def __init__(self, *args: Any, window_turns: Any = DEFAULT_WINDOW_TURNS, synchronous: Any = "full",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window_turns = max(1, int(window_turns))
        self._held_connection = None
        self._rows_query = None
        sqlite = self.engine.dialect.name == "sqlite"
        # SQLite: NullPool, a connection per session, opened and closed in the writing thread.
        self._writer = ThreadPoolExecutor(max_workers=1 if sqlite else 4, thread_name_prefix="tracker-save")
        if sqlite:
            with self.engine.connect() as connection:  # the journal mode is stored in the file
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            self._synchronous = SYNCHRONOUS[str(synchronous).lower()]
            if self._synchronous != "FULL":
                sa.event.listen(self.engine, "connect", self._set_synchronous)
            # SQLAlchemy opens and closes a SQLite connection per session (NullPool); closing
            # the last one checkpoints and removes the log (another sync). One connection held
            # open after one read (which attaches it to the log) leaves checkpoints to SQLite.
            self._held_connection = self.engine.raw_connection()
            self._held_connection.cursor().execute("SELECT count(*) FROM sqlite_master").fetchall()

    def _latest_session_rows(self) -> Any:
        """Rasa's ``_event_query`` for the latest session as one SQL Core statement, built once.

        The same SQL (events since the latest session start, by id), but the ORM built a new
        query and row objects on every message (py-spy under 20 concurrent conversations: a
        tracker load was 16 % of Rasa's CPU per turn, the ORM most of it); a Core statement is
        compiled once and returns plain rows.
        """
        if self._rows_query is None:
            events = self.SQLEvent.__table__
            sender = sa.bindparam("sender_id")
            start = sa.select(sa.func.max(events.c.timestamp).label("session_start")).where(
                events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name).subquery()
            self._rows_query = sa.select(events.c.id, events.c.type_name, events.c.data).where(
                events.c.sender_id == sender,
                sa.or_(events.c.timestamp >= start.c.session_start, start.c.session_start.is_(None)),
            ).order_by(events.c.id)
        return self._rows_query

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session, windowed to its recent turns."""
        with self.session_scope() as session:
            rows = session.execute(self._latest_session_rows(), {"sender_id": sender_id}).all()
        if not rows or not self.domain:
            return None
        kept = window(rows, self.window_turns)
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row[2]) for row in kept], self.domain.slots)
        setattr(tracker, _LOADED, (len(tracker.events), len(rows)))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (events since the load, one commit), the database work off the event loop."""
        await self.stream_events(tracker)
        await asyncio.get_running_loop().run_in_executor(self._writer, self._write, tracker)

    def _write(self, tracker: DialogueStateTracker) -> None:
        """The body of Rasa 3.6's SQLTrackerStore.save (rasa/core/tracker_store.py), in the writer thread."""
        with self.session_scope() as session:
            rows = []
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                rows.append({"sender_id": tracker.sender_id, "type_name": event.type_name,
                             "timestamp": data.get("timestamp"),
                             "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                             "action_name": data.get("name"), "data": json.dumps(data)})
            if rows:  # the same rows, in order, as one Core insert (the ORM's unit of work costs more than the rows)
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    def _set_synchronous(self, dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA synchronous={self._synchronous}")
        cursor.close()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Events added since this tracker was loaded (the parent counts stored rows instead)."""
        loaded = getattr(tracker, _LOADED, None)
        if loaded is None:
            return super()._additional_events(session, tracker)
        new = list(itertools.islice(tracker.events, loaded[0], len(tracker.events)))
        setattr(tracker, _LOADED, (len(tracker.events), loaded[1] + len(new)))  # saved twice: nothing twice
        return iter(new)
