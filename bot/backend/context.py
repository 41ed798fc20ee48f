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

    @property
    def attachments_dir(self) -> Path:
        return self.settings.var_dir / "attachments"
