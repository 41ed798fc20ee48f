"""Is a conversation live? Uploads are accepted only for one the client is talking in.

The evidence is Rasa's own tracker store (the SQL ``events`` table the retention purge
in bot/privacy already reads): a ``user`` event of that conversation within the
tracker retention window. It survives a gateway restart and is the same for every
gateway of a scaled-out installation, and it needs no extra record of our own nor
access to Rasa's HTTP API (which may require a token or be unreachable).
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from starlette.concurrency import run_in_threadpool

from bot.config import Settings
from bot.privacy.purge import tracker_database_url

_LATEST_USER_MESSAGE = text(
    "SELECT MAX(timestamp) FROM events WHERE sender_id = :conversation AND type_name = 'user'"
)


class TrackerLiveness:
    """Answers from the tracker store whether a conversation had a client message lately."""

    def __init__(self, settings: Settings) -> None:
        self.url = tracker_database_url(settings)
        self.window_s = settings.tracker_retention_s
        self._engine: Engine | None = None

    def _latest(self, conversation_id: str) -> float | None:
        if self.url.startswith("sqlite:///") and not Path(self.url.removeprefix("sqlite:///")).exists():
            return None  # Rasa has not stored anything yet (and we create no empty file)
        if self._engine is None:
            self._engine = create_engine(self.url, pool_pre_ping=True)
        try:
            with self._engine.connect() as connection:
                return connection.execute(_LATEST_USER_MESSAGE, {"conversation": conversation_id}).scalar()
        except Exception:  # no store yet (nobody talked) or unreachable: not provably live
            return None

    async def is_live(self, conversation_id: str) -> bool:
        latest = await run_in_threadpool(self._latest, conversation_id)
        return latest is not None and latest >= time.time() - self.window_s

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
