"""Abuse limits of the public gateway: rate limits, the chat body cap, input-free errors.

``install(app, settings)`` (called once from bot/gateway/app.py) adds:

- ``GatewayGuard``, an ASGI middleware in front of every route: per client (IP
  address) on the chat API, uploads, downloads and ``/verify``; per conversation
  (the sender) on the chat API and downloads. Over a limit: HTTP 429, ``Retry-After``
  and a bilingual notice, before anything is parsed or forwarded. Chat bodies over
  ``INTAKE_CHAT_MAX_BODY_BYTES`` get 413 without being read further.
- ``rate_limit(kind)``, a dependency for routes at other paths that need one of the
  per-client limits (paths under /verify, /downloads/, /api/uploads and the chat API
  are already counted by the middleware: do not count them twice), e.g.
  ``@router.get("/pruefen/{code}", dependencies=[Depends(rate_limit("verify"))])``;
  uploads call ``check_conversation(request, "upload", sender)`` once the form is read.
- error handlers that never echo input: FastAPI's default 422 repeats the request.

Requests carrying the valid ``X-Internal-Token`` (our Telegram bridge: every Telegram
user reaches the gateway from its one address) skip the per-client limit only.
"""

from __future__ import annotations

import hmac
import json
import logging
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

import yaml
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse

from bot.config import CONTENT_DIR, Settings
from bot.ratelimit import Limiter, client_address, parse_rule, trusted_set

log = logging.getLogger(__name__)
CHAT_PATH = "/webhooks/rest/webhook"
TELEGRAM_CHAT_PATH = "/internal/telegram/messages"  # the bridge's route (bot/gateway/internal.py)
KINDS = ("chat", "upload", "download", "verify")


@lru_cache
def _texts() -> dict[str, dict[str, str]]:
    return yaml.safe_load((CONTENT_DIR / "gateway.yml").read_text(encoding="utf-8"))


def bilingual(key: str, **values: Any) -> dict[str, str]:
    """A gateway text from content/gateway.yml in German and English."""
    entry = _texts()[key]
    return {"de": entry["de"].format(**values), "en": entry["en"].format(**values)}


class RateLimited(Exception):
    """A limit is reached; ``seconds`` until the client may try again."""

    def __init__(self, kind: str, seconds: int) -> None:
        super().__init__(kind)
        self.kind, self.seconds = kind, seconds


def kind_of(path: str) -> str | None:
    """Which limited endpoint a path belongs to (None: not limited)."""
    if path in (CHAT_PATH, TELEGRAM_CHAT_PATH):
        return "chat"
    if path == "/api/uploads":
        return "upload"
    if path.startswith("/downloads/"):
        return "download"
    if path == "/verify" or path.startswith("/verify/"):
        return "verify"
    return None


class Limits:
    """The gateway's rules, read from the settings, and the shared limiter."""

    def __init__(self, settings: Settings) -> None:
        self.limiter = Limiter(settings.rate_limit_storage, settings.internal_token)
        self.client = {kind: parse_rule(getattr(settings, f"rate_limit_{kind}_client", "")) for kind in KINDS}
        self.conversation = {kind: parse_rule(getattr(settings, f"rate_limit_{kind}_conversation", ""))
                             for kind in KINDS}
        self.trusted_proxies = trusted_set(settings.rate_limit_trusted_proxies)
        self.max_chat_body = settings.chat_max_body_bytes
        self._internal = settings.internal_token.encode("utf-8")

    def is_internal(self, headers: list[tuple[bytes, bytes]]) -> bool:
        """The request comes from one of our own channels (valid internal token)."""
        presented = next((v for k, v in headers if k == b"x-internal-token"), b"")
        return bool(presented and self._internal) and hmac.compare_digest(presented, self._internal)

    async def check_client(self, scope: dict, kind: str) -> None:
        """Raise RateLimited when this client address sent too many requests of this kind."""
        if self.is_internal(scope.get("headers", [])):
            return
        address = client_address(scope, self.trusted_proxies)
        wait = await self.limiter.retry_after(f"{kind}-client", self.client[kind], address)
        if wait:
            log.info("rate limit: %s per client reached", kind)  # no address: it is personal data
            raise RateLimited(kind, wait)

    def source_of(self, scope: dict) -> str:
        """A keyed hash of the client's address, as the rate limits see it (behind a trusted proxy:
        the address it forwarded), for the backend to count wrong follow-up keys per source
        (bot/backend/follow_ups.py). Empty for our own channels (the Telegram bridge's one address
        is every Telegram user's). The address itself never leaves the gateway."""
        if self.is_internal(scope.get("headers", [])):
            return ""
        return self.limiter._key("follow-up-source\x1f" + client_address(scope, self.trusted_proxies))

    async def check_conversation(self, kind: str, sender: str) -> None:
        """Raise RateLimited when this conversation sent too many requests of this kind."""
        if not sender:
            return
        wait = await self.limiter.retry_after(f"{kind}-conversation", self.conversation[kind], sender)
        if wait:
            log.info("rate limit: %s per conversation reached", kind)
            raise RateLimited(kind, wait)


def refusal(kind: str, status: int, text: dict[str, str], headers: dict[str, str] | None = None,
            code: str = "rate_limited", html: bool = False) -> JSONResponse | HTMLResponse:
    """The refusal in the shape each endpoint's clients already read."""
    if kind == "chat":  # the chat API answers with messages, also when it refuses
        body: Any = [{"recipient_id": "", "text": f"{text['de']}\n\n{text['en']}"}]
    elif kind == "upload":
        body = {"accepted": False, "code": code, "upload": None, "messages": [],
                "detail": f"{text['de']} / {text['en']}"}
    elif html:
        page = f"<!doctype html><html lang=\"de\"><meta charset=\"utf-8\"><p>{text['de']}</p><p lang=\"en\">{text['en']}</p>"
        return HTMLResponse(page, status_code=status, headers=headers)
    else:
        body = {"error": code, "message": text}
    return JSONResponse(body, status_code=status, headers=headers)


def too_many(kind: str, seconds: int, html: bool = False):
    return refusal(kind, 429, bilingual("rate_limited", seconds=seconds), {"Retry-After": str(seconds)}, html=html)


class BodyTooLarge(Exception):
    pass


async def _read_capped(receive, limit: int) -> bytes:
    """The whole request body, or BodyTooLarge as soon as it passes limit bytes."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _sender_of_chat(body: bytes) -> str:
    """Whom a chat request speaks for (a public sender, or the bridge's Telegram chat id);
    "" when the body is not a chat request (the route refuses it)."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict):  # null, a list, a string: the route answers 422
        return ""
    sender = data.get("sender") if "sender" in data else data.get("chat_id")
    if isinstance(sender, int) and not isinstance(sender, bool):
        return f"telegram:{sender}"
    return sender if isinstance(sender, str) else ""


def _download_sender(scope: dict) -> str:
    """The conversation a download names (header X-Conversation, or the older ?sender=)."""
    header = dict(scope.get("headers", [])).get(b"x-conversation", b"").decode("latin-1")
    return header or parse_qs(scope.get("query_string", b"").decode("latin-1")).get("sender", [""])[0]


class GatewayGuard:
    """Pure ASGI middleware: rate limits and the chat body cap before any route runs."""

    def __init__(self, app, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope, receive, send) -> None:
        kind = kind_of(scope.get("path", "")) if scope["type"] == "http" else None
        if kind is None or scope.get("method") == "OPTIONS":
            await self.app(scope, receive, send)
            return
        html = b"text/html" in dict(scope.get("headers", [])).get(b"accept", b"")
        try:
            await self.limits.check_client(scope, kind)
            if kind == "chat":
                receive = await self._chat_body(scope, receive)
            elif kind == "download":
                await self.limits.check_conversation(kind, _download_sender(scope))
        except RateLimited as limited:
            await too_many(kind, limited.seconds, html)(scope, receive, send)
            return
        except BodyTooLarge:
            max_kb = self.limits.max_chat_body // 1024
            response = refusal(kind, 413, bilingual("request_too_large", max_kb=max_kb), code="request_too_large")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _chat_body(self, scope: dict, receive):
        """Read the (capped) chat body, count the conversation, hand the body on unchanged."""
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limits.max_chat_body:
            raise BodyTooLarge
        body = await _read_capped(receive, self.limits.max_chat_body)
        await self.limits.check_conversation("chat", _sender_of_chat(body))
        delivered = False

        async def replay():
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay


def rate_limit(kind: str):
    """Dependency: the per-client limit of ``kind`` for a route added after install()."""

    async def dependency(request: Request) -> None:
        await request.app.state.limits.check_client(request.scope, kind)

    return dependency


async def check_conversation(request: Request, kind: str, sender: str) -> None:
    """For handlers that learn the sender late (uploads: a multipart field)."""
    limits = getattr(request.app.state, "limits", None)
    if limits is not None:
        await limits.check_conversation(kind, sender)


def install(app: FastAPI, settings: Settings) -> None:
    """Rate limits, body cap and input-free error answers for the gateway app."""
    limits = app.state.limits = Limits(settings)
    app.add_middleware(GatewayGuard, limits=limits)

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, exc: RateLimited):
        return too_many(kind_of(request.url.path) or exc.kind, exc.seconds,
                        "text/html" in request.headers.get("accept", ""))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # Never FastAPI's default body: it repeats the input (a 5 MB message, personal data).
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        code = "malformed_json" if malformed else "invalid_request"
        status = 400 if malformed else 422
        return JSONResponse({"error": code, "message": bilingual(code)}, status_code=status)
