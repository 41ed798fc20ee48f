"""Small helpers shared by the backend tests."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from bot.backend.models import AuditEntry, Case, CaseEntry, Upload
from tests.backend.conftest import INTERNAL

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, conversation_id="conv-1", data=PDF, content_type="application/pdf", filename="pass.pdf",
           sha256=None, scan_signature="", scanned_at="2026-01-05T10:00:00+00:00"):
    """POST /internal/uploads as the gateway does."""
    form = {"conversation_id": conversation_id, "filename": filename, "content_type": content_type,
            "sha256": sha256 or hashlib.sha256(data).hexdigest(), "scan_signature": scan_signature,
            "scanned_at": scanned_at}
    return client.post("/internal/uploads", data=form, files={"file": (filename, data, content_type)},
                       headers=INTERNAL)


def counts(ctx) -> dict[str, int]:
    """Rows per table that a submission could add."""
    with ctx.sessions() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Case, CaseEntry, Upload)}


def audit_rows(ctx) -> list[tuple[str, str, str | None, bool]]:
    with ctx.sessions() as session:
        return [(a.unit, a.action, a.case_number, a.ok)
                for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
