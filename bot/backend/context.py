"""What every service function of the backend needs, built once per app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.catalogue import Catalogue
from bot.config import Settings
from bot.backend.routing import RoutingTable
from bot.backend.security import StaffAuth
from bot.confirmation.fiktion import FiktionTable
from bot.confirmation.signing import ConfirmationSigner


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class BackendContext:
    settings: Settings
    catalogue: Catalogue
    routing: RoutingTable
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]  # for lookups that write nothing
    staff_auth: StaffAuth
    fiktion: FiktionTable  # content/fiktion.yml, checked complete at start
    signer: ConfirmationSigner  # PAdES signature of every confirmation PDF
    clock: Callable[[], datetime] = field(default=utc_now)
    # Renders confirmation PDFs after the commit (bot/backend/pdf_worker.py); None: on demand.
    pdfs: Any = None
    # Key of the follow-up keys (bot/backend/security.follow_up_key); the backend's alone.
    follow_up_secret: str = ""

    def follow_up_key(self, case_number: str, verification_code: str) -> str:
        """The follow-up key of a case (shown only to the conversation that opened it)."""
        from bot.backend.security import follow_up_key

        return follow_up_key(self.follow_up_secret, case_number, verification_code)

    @property
    def attachments_dir(self) -> Path:
        return self.settings.var_dir / "attachments"
