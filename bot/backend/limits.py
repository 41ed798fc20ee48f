"""Request limits before anything is parsed (pure ASGI middleware): body size, /verify rate."""

from __future__ import annotations

import hmac
import json

from bot.backend.errors import error_body
from bot.ratelimit import Limiter, client_address, parse_rule, trusted_set

UPLOAD_PATH = "/internal/uploads"
MULTIPART_OVERHEAD = 1024 * 1024
DEFAULT_LIMIT = 64 * 1024


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Answer 413 when a body exceeds its path's limit (declared length or bytes actually sent)."""

    def __init__(self, app, upload_limit: int, default_limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.default_limit = default_limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] == UPLOAD_PATH else self.default_limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, limit)
            return
        received = 0
        exceeded = False
        replaced = False

        async def counting_receive():
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message):
            # The framework may turn our exception into its own 400; answer 413 instead.
            nonlocal replaced
            if replaced:
                return
            if exceeded and message["type"] == "http.response.start":
                replaced = True
                await _refuse(send, limit)
                return
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if not replaced:
                await _refuse(send, limit)


async def _refuse(send, limit: int) -> None:
    body = json.dumps(error_body("body_too_large", limit=limit)).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class VerifyRateLimit:
    """Per-client rate limit on the public verification endpoint (429, Retry-After, de/en).

    Verification codes carry 60 random bits, so guessing one is hopeless anyway; the
    limit keeps a script from hammering the database through the one public route.
    """

    def __init__(self, app, settings) -> None:
        self.app = app
        self.limiter = Limiter(settings.rate_limit_storage, settings.internal_token)
        self.limits = parse_rule(settings.rate_limit_verify_client)
        self.trusted = trusted_set(settings.rate_limit_trusted_proxies)
        self.internal = settings.internal_token.encode("utf-8")

    def _from_our_gateway(self, scope) -> bool:
        """Our gateway (valid internal token) applies its own per-client limit."""
        presented = dict(scope.get("headers", [])).get(b"x-internal-token", b"")
        return bool(presented and self.internal) and hmac.compare_digest(presented, self.internal)

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith("/verify") and not self._from_our_gateway(scope):
            wait = await self.limiter.retry_after("verify-client", self.limits, client_address(scope, self.trusted))
            if wait:
                await _too_many(scope, send, wait)
                return
        await self.app(scope, receive, send)


async def _too_many(scope, send, seconds: int) -> None:
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    if b"text/html" in accept:
        de, en = error_body("rate_limited")["message"].values()
        body = (f'<!doctype html><html lang="de"><meta charset="utf-8"><p>{de}</p><p lang="en">{en}</p>').encode()
        content_type = b"text/html; charset=utf-8"
    else:
        body = json.dumps(error_body("rate_limited", retry_after=seconds)).encode()
        content_type = b"application/json"
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(seconds).encode())]})
    await send({"type": "http.response.body", "body": body})
