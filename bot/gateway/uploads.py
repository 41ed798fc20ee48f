"""POST /api/uploads: a channel hands over one file; the conversation hears the outcome.

The request body is read at most up to the per-file limit plus a little room for the
multipart envelope; the file goes through ``bot.scanning.intake`` (type by content,
limits, clamd) and the assistant is told with ``/upload_received{...}`` or
``/upload_refused{...}`` so it answers in the client's language.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import AsyncIterator, NamedTuple
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from bot.config import Settings, get_settings
from bot.gateway.limits import check_conversation
from bot.gateway.chat import addressed_to, notice_text
from bot.gateway.identity import acceptable_sender, conversation_key, web_conversation
from bot.gateway.liveness import TrackerLiveness
from bot.scanning.intake import UNAVAILABLE, OutcomeCode, UploadIntake, UploadOutcome
from bot.scanning.scanner import Scanner

log = logging.getLogger(__name__)
router = APIRouter()

# Room for the multipart boundaries, part headers and the small text fields.
ENVELOPE_BYTES = 64 * 1024
# What the client may see of a stored upload (not the internal conversation id).
PUBLIC_RECORD_FIELDS = ("upload_id", "filename", "content_type", "size", "sha256", "verdict")

BAD_REQUEST = {
    "de": "Die Anfrage ist unvollständig: Es werden ein Feld „sender“ und eine Datei im Feld „file“ erwartet.",
    "en": "The request is incomplete: a field “sender” and a file in the field “file” are expected.",
}
NOT_LIVE = {
    "de": "Bitte schreiben Sie zuerst dem Assistenten; Dateien werden nur in einem laufenden Gespräch angenommen.",
    "en": "Please write to the assistant first; files are accepted only in an ongoing conversation.",
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
    """Send the event through the gateway's conversation core; [] when it is not reachable.

    ``sender`` is the internal conversation id; the caller addresses the answers."""
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
    if getattr(state, "liveness", None) is None:
        state.liveness = TrackerLiveness(state.settings)
    intake = getattr(state, "upload_intake", None)
    if intake is None or intake.scanner is not state.scanner:
        intake = state.upload_intake = UploadIntake(state.settings, state.scanner)
    return state.settings, intake


def _body(accepted: bool, code: str, upload: dict | None, messages: list[dict], **extra) -> dict:
    """The response document of this endpoint."""
    return {"accepted": accepted, "code": code, "upload": upload, "messages": messages, **extra}


@dataclass(frozen=True)
class Caller:
    """Whose upload this is: the internal conversation id and the id answers are addressed to.

    ``must_be_live``: a public client must already be talking (no files under made-up ids).
    """

    conversation_id: str
    recipient: str
    must_be_live: bool = True


class ParsedUpload(NamedTuple):
    identity: str  # the form's (or query's) sender or chat id, unchecked
    language: str
    filename: str | None
    declared_type: str | None
    data: bytes


async def parse_upload(request: Request, identity_field: str) -> ParsedUpload | JSONResponse:
    """The multipart form, read within the size limit; a JSONResponse when it is refused."""
    settings, _ = _services(request)
    max_file = settings.upload_max_file_bytes
    query_identity = request.query_params.get(identity_field)
    if identity_field == "sender":
        # The header (like the query) is known before the body is read; unlike the query it
        # stays out of proxies' and browsers' URL logs.
        query_identity = request.headers.get("x-conversation") or query_identity
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
        return await _too_large_body(request, settings, query_identity, _language(query_language, request))
    except (MultiPartException, ValueError, KeyError, AssertionError):
        return _bad_request(_language(query_language, request))

    identity = str(form.get(identity_field) or query_identity or "").strip()
    language = _language(str(form.get("language") or query_language or ""), request)
    upload = form.get("file")
    try:
        if not identity or not isinstance(upload, UploadFile):
            return _bad_request(language)
        await check_conversation(request, "upload", identity)  # 429 when this conversation floods
        data = await upload.read(max_file + 1)
        return ParsedUpload(identity, language, upload.filename, upload.content_type, data)
    finally:
        await form.close()


async def receive_upload(request: Request, caller: Caller, parsed: ParsedUpload) -> JSONResponse:
    """Scan and store the file for the caller's conversation and tell the conversation."""
    _, intake = _services(request)
    if caller.must_be_live and not await request.app.state.liveness.is_live(caller.conversation_id):
        return JSONResponse(_body(False, "no_conversation", None, [], detail=NOT_LIVE[parsed.language]),
                            status_code=409)
    outcome = await intake.accept_upload(caller.conversation_id, parsed.filename, parsed.data, parsed.declared_type)
    messages = await _tell_conversation(request, caller.conversation_id, _event_text(outcome), parsed.language)
    status = 503 if outcome.code in UNAVAILABLE else 200
    record = outcome.upload.model_dump(mode="json", include=set(PUBLIC_RECORD_FIELDS)) if outcome.upload else None
    return JSONResponse(_body(outcome.accepted, outcome.code.value, record, addressed_to(caller.recipient, messages)),
                        status_code=status)


@router.post("/api/uploads")
async def post_upload(request: Request) -> JSONResponse:
    """Check, scan and store one file for the conversation ``sender``."""
    parsed = await parse_upload(request, "sender")
    if isinstance(parsed, JSONResponse):
        return parsed
    if not acceptable_sender(parsed.identity):
        return _refused_sender()
    key = conversation_key(request.app.state.settings)
    caller = Caller(web_conversation(key, parsed.identity), parsed.identity)
    return await receive_upload(request, caller, parsed)


async def _too_large_body(request: Request, settings: Settings, sender: str | None, language: str) -> JSONResponse:
    """Refuse an over-size body without reading it; tell the conversation when we know it.

    Only a public sender in the query can be known here (the form is not read); the
    conversation must be live, as for any upload."""
    log.info("upload outcome=too_large size>%d (body not read)", settings.upload_max_file_bytes)
    code = OutcomeCode.too_large.value
    if request.url.path == "/api/uploads" and sender and acceptable_sender(sender):
        conversation_id = web_conversation(conversation_key(settings), sender)
        if await request.app.state.liveness.is_live(conversation_id):
            text = "/upload_refused" + json.dumps({"reason": code})
            messages = await _tell_conversation(request, conversation_id, text, language)
            return JSONResponse(_body(False, code, None, addressed_to(sender, messages)))
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


def _refused_sender() -> JSONResponse:
    """400 for a guessable sender, in both languages; the value is not echoed."""
    return JSONResponse(_body(False, "invalid_sender", None, [], detail=notice_text("invalid_sender")),
                        status_code=400)


def _bad_request(language: str) -> JSONResponse:
    """400 with a message in the client's language."""
    return JSONResponse(_body(False, "bad_request", None, [], detail=BAD_REQUEST[language]), status_code=400)
