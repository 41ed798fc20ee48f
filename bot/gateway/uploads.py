"""POST /api/uploads: a channel hands over one file; the conversation hears the outcome.

The request body is read at most up to the per-file limit plus a little room for the
multipart envelope; the file goes through ``bot.scanning.intake`` (type by content,
limits, clamd) and the assistant is told with ``/upload_received{...}`` or
``/upload_refused{...}`` so it answers in the client's language.
"""

from __future__ import annotations

import json
import logging
from typing import AsyncIterator
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from bot.config import Settings, get_settings
from bot.gateway.limits import check_conversation
from bot.scanning.intake import UNAVAILABLE, OutcomeCode, UploadIntake, UploadOutcome
from bot.scanning.scanner import Scanner

log = logging.getLogger(__name__)
router = APIRouter()

# Room for the multipart boundaries, part headers and the small text fields.
ENVELOPE_BYTES = 64 * 1024
MAX_SENDER_CHARS = 200

BAD_REQUEST = {
    "de": "Die Anfrage ist unvollständig: Es werden ein Feld „sender“ und eine Datei im Feld „file“ erwartet.",
    "en": "The request is incomplete: a field “sender” and a file in the field “file” are expected.",
}
TOO_LARGE_NO_SENDER = {
    "de": "Die Datei ist zu groß: höchstens {max_mb} MB pro Datei.",
    "en": "The file is too large: at most {max_mb} MB per file.",
}


class BodyTooLarge(Exception):
    """The request body grew beyond what one allowed file can need."""


async def _limited(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """Pass the body through, stopping as soon as it exceeds limit bytes."""
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit:
            raise BodyTooLarge()
        yield chunk


def _language(value: str | None, request: Request) -> str:
    """de or en: the form field, else the browser's Accept-Language, else German."""
    if value in ("de", "en"):
        return value
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "de"


def _event_text(outcome: UploadOutcome) -> str:
    """The message that tells the conversation what became of the file."""
    if outcome.accepted:
        return "/upload_received" + json.dumps({"upload_id": outcome.upload.upload_id})
    entities = {"reason": outcome.code.value}
    if outcome.signature:
        entities["signature"] = outcome.signature
    return "/upload_refused" + json.dumps(entities)


async def _tell_conversation(request: Request, sender: str, text: str, language: str | None) -> list[dict]:
    """Send the event through the gateway's conversation core; [] when it is not reachable."""
    conversation = getattr(request.app.state, "conversation", None)
    if conversation is None:
        log.warning("upload: no conversation core on app.state; the assistant was not told")
        return []
    metadata = {"language": language} if language in ("de", "en") else {}
    try:
        return await conversation.send(sender, text, metadata)
    except Exception as exc:  # the outcome stands; only the notification failed
        log.warning("upload: telling the conversation failed: %s", exc.__class__.__name__)
        return []


def _services(request: Request) -> tuple[Settings, UploadIntake]:
    """Settings and the app's one UploadIntake (created on first use from app.state.scanner)."""
    state = request.app.state
    if getattr(state, "settings", None) is None:
        state.settings = get_settings()
    if getattr(state, "scanner", None) is None:
        state.scanner = Scanner(state.settings)
    intake = getattr(state, "upload_intake", None)
    if intake is None or intake.scanner is not state.scanner:
        intake = state.upload_intake = UploadIntake(state.settings, state.scanner)
    return state.settings, intake


def _body(accepted: bool, code: str, upload: dict | None, messages: list[dict], **extra) -> dict:
    """The response document of this endpoint."""
    return {"accepted": accepted, "code": code, "upload": upload, "messages": messages, **extra}


@router.post("/api/uploads")
async def post_upload(request: Request) -> JSONResponse:
    """Check, scan and store one file for the conversation ``sender``."""
    settings, intake = _services(request)
    max_file = settings.upload_max_file_bytes
    query_sender = request.query_params.get("sender")
    query_language = request.query_params.get("language")
    try:
        declared_length = int(request.headers.get("content-length") or 0)
    except ValueError:
        declared_length = 0
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _bad_request(await _language_of_plain_form(request, query_language))
    try:
        if declared_length > max_file + ENVELOPE_BYTES:
            raise BodyTooLarge()
        parser = MultiPartParser(
            request.headers, _limited(request.stream(), max_file + ENVELOPE_BYTES), max_files=1, max_fields=5
        )
        form = await parser.parse()
    except BodyTooLarge:
        return await _too_large_body(request, settings, query_sender, _language(query_language, request))
    except (MultiPartException, ValueError, KeyError, AssertionError):
        return _bad_request(_language(query_language, request))

    sender = str(form.get("sender") or query_sender or "").strip()
    language = _language(str(form.get("language") or query_language or ""), request)
    upload = form.get("file")
    try:
        if not sender or len(sender) > MAX_SENDER_CHARS or not isinstance(upload, UploadFile):
            return _bad_request(language)
        await check_conversation(request, "upload", sender)  # 429 when this conversation floods
        data = await upload.read(max_file + 1)
        filename, declared_type = upload.filename, upload.content_type
    finally:
        await form.close()

    outcome = await intake.accept_upload(sender, filename, data, declared_type)
    messages = await _tell_conversation(request, sender, _event_text(outcome), language)
    status = 503 if outcome.code in UNAVAILABLE else 200
    record = outcome.upload.model_dump(mode="json") if outcome.upload else None
    return JSONResponse(_body(outcome.accepted, outcome.code.value, record, messages), status_code=status)


async def _too_large_body(request: Request, settings: Settings, sender: str | None, language: str) -> JSONResponse:
    """Refuse an over-size body without reading it; tell the conversation when we know it."""
    log.info("upload outcome=too_large size>%d (body not read)", settings.upload_max_file_bytes)
    code = OutcomeCode.too_large.value
    if sender and len(sender) <= MAX_SENDER_CHARS:
        text = "/upload_refused" + json.dumps({"reason": code})
        messages = await _tell_conversation(request, sender, text, language)
        return JSONResponse(_body(False, code, None, messages))
    max_mb = settings.upload_max_file_bytes // (1024 * 1024)
    detail = TOO_LARGE_NO_SENDER[language].format(max_mb=max_mb)
    return JSONResponse(_body(False, code, None, [], detail=detail), status_code=413)


async def _language_of_plain_form(request: Request, query_language: str | None) -> str:
    """The language field of a url-encoded form without a file (read at most 64 KB)."""
    language = query_language
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = b""
        try:
            async for chunk in _limited(request.stream(), ENVELOPE_BYTES):
                body += chunk
        except BodyTooLarge:
            body = b""
        language = parse_qs(body.decode("utf-8", "replace")).get("language", [language])[0]
    return _language(language, request)


def _bad_request(language: str) -> JSONResponse:
    """400 with a message in the client's language."""
    return JSONResponse(_body(False, "bad_request", None, [], detail=BAD_REQUEST[language]), status_code=400)
