"""Request body size limits, enforced before a body is parsed (pure ASGI middleware)."""

from __future__ import annotations

import json

from bot.backend.errors import error_body

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

