"""The one upload path of every channel: limits, type by content, virus scan, then storage.

A file reaches the backend only after clamd called it clean. Nothing here logs file
names, contents or conversation ids (they may identify a person): only sizes,
outcome codes and timings.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
import unicodedata
import weakref
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePosixPath, PureWindowsPath

import httpx

from bot.backend.errors import error_code
from bot.ops.logs import outgoing_headers
from bot.ops.metrics import SCAN_SECONDS, UPLOADS
from bot.config import Settings
from bot.models import UploadRecord
from bot.scanning.filetypes import FileType, sniff
from bot.scanning.scanner import ScanResult, Scanner, ScannerUnavailable

log = logging.getLogger(__name__)

MAX_FILENAME_CHARS = 120
BACKEND_TIMEOUT_S = 15.0


class OutcomeCode(str, Enum):
    accepted = "accepted"
    infected = "infected"
    bad_type = "bad_type"
    too_large = "too_large"
    too_many = "too_many"
    total_too_large = "total_too_large"
    scanner_unavailable = "scanner_unavailable"
    backend_unavailable = "backend_unavailable"
    empty = "empty"


# Outcomes that are nobody's fault but ours: the client may simply retry later.
UNAVAILABLE = {OutcomeCode.scanner_unavailable, OutcomeCode.backend_unavailable}


@dataclass
class UploadOutcome:
    code: OutcomeCode
    upload: UploadRecord | None = None
    signature: str | None = None  # clamd's finding when code is infected
    size: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        """True only for a scanned, clean, stored file."""
        return self.code is OutcomeCode.accepted


class BackendUnavailable(RuntimeError):
    """The backend did not answer as the contract says."""


class BackendRefused(RuntimeError):
    """The backend applied one of the upload limits itself (it checks them again)."""

    def __init__(self, code: OutcomeCode) -> None:
        super().__init__(code.value)
        self.code = code


# The backend's error codes that mean the same as one of our outcomes.
BACKEND_CODES = {
    "too_many_files": OutcomeCode.too_many,
    "total_too_large": OutcomeCode.total_too_large,
    "file_too_large": OutcomeCode.too_large,
    "empty_file": OutcomeCode.empty,
}


def safe_filename(filename: str | None, file_type: FileType) -> str:
    """The client's file name without path, control characters or a misleading extension."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)[: MAX_FILENAME_CHARS - 5].strip(" .")
    # The extension follows the sniffed type, so staff never open a PNG named .pdf.
    return f"{stem or 'document'}{file_type.extension}"


def _records(payload: object) -> list[UploadRecord]:
    """UploadRecords from the backend's list answer (a list, or {"uploads": [...]})."""
    items = payload.get("uploads", []) if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise BackendUnavailable("upload list is not a list")
    return [UploadRecord.model_validate(item) for item in items]



class UploadIntake:
    """Checks, scans and stores uploads for conversations."""

    # One lock per conversation, so two parallel uploads cannot both pass the limits.
    _locks: "weakref.WeakValueDictionary[str, asyncio.Lock]" = weakref.WeakValueDictionary()

    def __init__(self, settings: Settings, scanner: Scanner, http: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.scanner = scanner
        self._http = http
        self._owns_http = http is None

    def _client(self) -> httpx.AsyncClient:
        """One client for the intake's lifetime: creating one costs ~140 ms (CA certificates)."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=BACKEND_TIMEOUT_S)
        return self._http

    async def aclose(self) -> None:
        """Close the HTTP client this intake created."""
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    async def accept_upload(
        self, conversation_id: str, filename: str | None, data: bytes, declared_type: str | None = None
    ) -> UploadOutcome:
        """Check, scan and store one file; the outcome says what happened."""
        started = time.monotonic()
        outcome = await self._accept(conversation_id, filename, data)
        outcome.size = len(data)
        outcome.timings_ms["total"] = round((time.monotonic() - started) * 1000, 1)
        UPLOADS.labels(outcome.code.value).inc()
        if "scan" in outcome.timings_ms:
            SCAN_SECONDS.observe(outcome.timings_ms["scan"] / 1000)
        sniffed = outcome.upload.content_type if outcome.upload else None
        log.info(
            "upload outcome=%s size=%d declared_matches=%s timings_ms=%s",
            outcome.code.value,
            len(data),
            None if sniffed is None else declared_type == sniffed,
            outcome.timings_ms,
        )
        return outcome

    async def _accept(self, conversation_id: str, filename: str | None, data: bytes) -> UploadOutcome:
        """The checks in order of cost: size, type, limits of the conversation, scan, store."""
        if not data:
            return UploadOutcome(OutcomeCode.empty)
        if len(data) > self.settings.upload_max_file_bytes:
            return UploadOutcome(OutcomeCode.too_large)
        file_type = sniff(data)
        if file_type is None:
            return UploadOutcome(OutcomeCode.bad_type)
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        async with lock:
            return await self._scan_and_store(conversation_id, safe_filename(filename, file_type), file_type, data)

    async def _scan_and_store(
        self, conversation_id: str, filename: str, file_type: FileType, data: bytes
    ) -> UploadOutcome:
        """Under the conversation's lock: count, scan, store."""
        timings: dict[str, float] = {}
        try:
            existing = await self._timed(timings, "list", self.list_uploads(conversation_id))
        except BackendUnavailable:
            return UploadOutcome(OutcomeCode.backend_unavailable, timings_ms=timings)
        if len(existing) >= self.settings.upload_max_files:
            return UploadOutcome(OutcomeCode.too_many, timings_ms=timings)
        if sum(r.size for r in existing) + len(data) > self.settings.upload_max_total_bytes:
            return UploadOutcome(OutcomeCode.total_too_large, timings_ms=timings)
        try:
            result: ScanResult = await self._timed(timings, "scan", self.scanner.scan(data))
        except ScannerUnavailable:
            return UploadOutcome(OutcomeCode.scanner_unavailable, timings_ms=timings)
        if not result.clean:
            return UploadOutcome(OutcomeCode.infected, signature=result.signature, timings_ms=timings)
        try:
            record = await self._timed(
                timings, "store", self.store(conversation_id, filename, file_type, data, result)
            )
        except BackendRefused as refused:
            return UploadOutcome(refused.code, timings_ms=timings)
        except BackendUnavailable:
            return UploadOutcome(OutcomeCode.backend_unavailable, timings_ms=timings)
        return UploadOutcome(OutcomeCode.accepted, upload=record, timings_ms=timings)

    @staticmethod
    async def _timed(timings: dict[str, float], name: str, awaitable):
        """Await and record the duration in milliseconds."""
        started = time.monotonic()
        try:
            return await awaitable
        finally:
            timings[name] = round((time.monotonic() - started) * 1000, 1)

    async def list_uploads(self, conversation_id: str) -> list[UploadRecord]:
        """The conversation's accepted uploads, as the backend knows them."""
        response = await self._request("GET", "/internal/uploads", params={"conversation_id": conversation_id})
        try:
            return _records(response.json())
        except ValueError as exc:  # JSON or validation error
            raise BackendUnavailable("upload list not understood") from exc

    async def store(
        self, conversation_id: str, filename: str, file_type: FileType, data: bytes, result: ScanResult
    ) -> UploadRecord:
        """Hand a clean file to the backend; returns its record."""
        form = {
            "conversation_id": conversation_id,
            "filename": filename,
            "content_type": file_type.content_type,
            "sha256": hashlib.sha256(data).hexdigest(),
            "scan_signature": result.signature or "",
            "scanned_at": result.scanned_at.isoformat(),
        }
        files = {"file": (filename, data, file_type.content_type)}
        response = await self._request("POST", "/internal/uploads", data=form, files=files)
        try:
            return UploadRecord.model_validate(response.json())
        except ValueError as exc:
            raise BackendUnavailable("upload record not understood") from exc

    async def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """One call to the backend with our token; any failure is BackendUnavailable."""
        url = f"{self.settings.backend_url.rstrip('/')}{path}"
        headers = {"X-Internal-Token": self.settings.internal_token, **outgoing_headers()}
        try:
            response = await self._client().request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise BackendUnavailable(f"{method} {path}: {exc.__class__.__name__}") from exc
        if 400 <= response.status_code < 500:
            code = BACKEND_CODES.get(error_code(response))
            if code is not None:
                raise BackendRefused(code)
        if response.status_code >= 300:
            raise BackendUnavailable(f"{method} {path}: HTTP {response.status_code}")
        return response


async def accept_upload(
    settings: Settings, scanner: Scanner, conversation_id: str, filename: str | None, data: bytes,
    declared_type: str | None = None,
) -> UploadOutcome:
    """Convenience wrapper: one intake for one file (a service keeps one UploadIntake instead)."""
    intake = UploadIntake(settings, scanner)
    try:
        return await intake.accept_upload(conversation_id, filename, data, declared_type)
    finally:
        await intake.aclose()
