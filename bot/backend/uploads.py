"""Uploaded files: checked again on receipt, stored per conversation until a case claims them."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select

from bot.backend.context import BackendContext
from bot.backend.db import lock_conversation, transaction
from bot.backend.errors import BackendError
from bot.backend.models import Upload
from bot.models import ScanVerdict, UploadRecord

log = logging.getLogger(__name__)
MAGIC = {"application/pdf": (b"%PDF-",), "image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",)}


@dataclass(frozen=True)
class IncomingFile:
    conversation_id: str
    filename: str
    content_type: str
    sha256: str
    scan_signature: str
    scanned_at: str
    data: bytes


def to_record(upload: Upload) -> UploadRecord:
    """The wire form of a stored upload (every stored upload was scanned clean)."""
    return UploadRecord(
        upload_id=upload.id, conversation_id=upload.conversation_id, filename=upload.filename,
        content_type=upload.content_type, size=upload.size, sha256=upload.sha256,
        verdict=ScanVerdict(clean=True, signature=None, engine=upload.scan_engine, scanned_at=upload.scanned_at),
    )


def _check(ctx: BackendContext, incoming: IncomingFile) -> datetime:
    """Refuse what the gateway should not have sent; returns the parsed scan time."""
    if incoming.scan_signature.strip():
        raise BackendError(422, "not_clean")
    if not incoming.data:
        raise BackendError(422, "empty_file")
    if len(incoming.data) > ctx.settings.upload_max_file_bytes:
        raise BackendError(413, "file_too_large", limit=ctx.settings.upload_max_file_bytes)
    if hashlib.sha256(incoming.data).hexdigest() != incoming.sha256.strip().lower():
        raise BackendError(422, "sha256_mismatch")
    if incoming.content_type not in MAGIC:
        raise BackendError(422, "unsupported_type")
    if not incoming.data.startswith(MAGIC[incoming.content_type]):
        raise BackendError(422, "content_type_mismatch")
    try:
        scanned_at = datetime.fromisoformat(incoming.scanned_at.strip())
    except ValueError as exc:
        raise BackendError(422, "invalid_scanned_at") from exc
    return scanned_at if scanned_at.tzinfo else scanned_at.replace(tzinfo=UTC)


def safe_filename(name: str) -> str:
    """Base name without path parts or control characters, at most 200 characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip(" .")
    return base[-200:] or "upload"


def store(ctx: BackendContext, incoming: IncomingFile) -> tuple[UploadRecord, bool]:
    """Store a clean file for its conversation; (record, created). The same file twice is one upload."""
    scanned_at = _check(ctx, incoming)
    sha256 = incoming.sha256.strip().lower()
    upload_id = uuid.uuid4().hex
    relative = Path("attachments") / sha256[:2] / upload_id
    path = ctx.settings.var_dir / relative
    written = False
    try:
        with transaction(ctx.sessions) as session:
            lock_conversation(session, incoming.conversation_id)
            pending = session.scalars(select(Upload).where(
                Upload.conversation_id == incoming.conversation_id, Upload.case_id.is_(None))).all()
            same = next((u for u in pending if u.sha256 == sha256), None)
            if same is not None:
                return to_record(same), False
            _check_limits(ctx, session, pending, len(incoming.data))
            _write(path, incoming.data)
            written = True
            upload = Upload(
                id=upload_id, conversation_id=incoming.conversation_id,
                filename=safe_filename(incoming.filename), content_type=incoming.content_type,
                size=len(incoming.data), sha256=sha256, scan_engine="clamd", scanned_at=scanned_at,
                storage_path=str(relative), created_at=ctx.clock(),
            )
            session.add(upload)
        return to_record(upload), True
    except BaseException:
        if written:
            path.unlink(missing_ok=True)
        raise


def _check_limits(ctx: BackendContext, session, pending: list[Upload], size: int) -> None:
    """Per conversation (the office's form limits), then the disk quota of all pending uploads."""
    settings = ctx.settings
    if len(pending) >= settings.upload_max_files:
        raise BackendError(409, "too_many_files", limit=settings.upload_max_files)
    if sum(u.size for u in pending) + size > settings.upload_max_total_bytes:
        raise BackendError(413, "total_too_large", limit=settings.upload_max_total_bytes)
    files, stored = session.execute(
        select(func.count(), func.coalesce(func.sum(Upload.size), 0)).where(Upload.case_id.is_(None))).one()
    if files >= settings.upload_pending_quota_files or stored + size > settings.upload_pending_quota_bytes:
        # Many conversations uploading without submitting (or an attack): refuse, loudly.
        log.error("uploads refused: pending-upload quota reached (%d files, %d bytes)", files, stored)
        raise BackendError(507, "storage_full", headers={"Retry-After": "3600"})


def _write(path: Path, data: bytes) -> None:
    """Write via a temporary name so a crash never leaves a half file under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    with open(temporary, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)


def pending_uploads(ctx: BackendContext, conversation_id: str) -> list[UploadRecord]:
    """Uploads of the conversation not yet attached to a case, oldest first."""
    with ctx.read_sessions() as session:
        rows = session.scalars(select(Upload).where(
            Upload.conversation_id == conversation_id, Upload.case_id.is_(None)).order_by(Upload.created_at)).all()
    return [to_record(u) for u in rows]


def delete_pending(ctx: BackendContext, upload_id: str, conversation_id: str) -> None:
    """Remove a not-yet-submitted upload of the conversation (404 for anything else)."""
    with transaction(ctx.sessions) as session:
        upload = session.get(Upload, upload_id)
        if upload is None or upload.conversation_id != conversation_id or upload.case_id is not None:
            raise BackendError(404, "not_found")
        path = ctx.settings.var_dir / upload.storage_path
        session.delete(upload)
    path.unlink(missing_ok=True)


def read_bytes(ctx: BackendContext, upload: Upload) -> bytes:
    return (ctx.settings.var_dir / upload.storage_path).read_bytes()
