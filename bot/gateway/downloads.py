"""Downloads of confirmation PDFs: GET /downloads/<token> with the header X-Conversation.

The token is unguessable (issued by the backend, stored hashed there), bound to
one conversation and expires; wrong or expired links get 404/410 and no data. The
conversation is named by the client's own sender in the ``X-Conversation`` header,
never in the URL: URLs end up in browser histories, proxies and logs.

A PDF still being rendered (the backend renders it after the case's commit and answers
503 ``pdf_pending`` after waiting) is passed on as 503 ``pdf_pending`` with Retry-After
and a bilingual message (content/gateway.yml), so the widget and the Telegram bridge
retry instead of reporting a failure. Any other backend trouble stays a bare
``unavailable``: its body is never forwarded.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response

from bot.backend.errors import error_code
from bot.gateway.identity import acceptable_sender, conversation_key, web_conversation
from bot.gateway.limits import bilingual

router = APIRouter(tags=["downloads"])
# Retry-After passed on to clients, in seconds: the backend's value, kept within these bounds.
RETRY_AFTER_DEFAULT_S, RETRY_AFTER_MAX_S = 2, 30


async def confirmation_pdf(request: Request, token: str, conversation_id: str | None) -> Response:
    """The PDF behind a token if it was issued to conversation_id; 404/410 otherwise."""
    settings = request.app.state.settings
    if conversation_id is None or not (20 <= len(token) <= 100):
        return JSONResponse({"error": "not_found"}, status_code=404)
    try:
        async with httpx.AsyncClient(base_url=settings.backend_url, timeout=15) as client:
            upstream = await client.get(
                f"/internal/confirmations/{token}",
                params={"conversation_id": conversation_id},
                headers={"X-Internal-Token": settings.internal_token},
            )
    except httpx.HTTPError:
        return JSONResponse({"error": "unavailable"}, status_code=503)
    if upstream.status_code in (404, 410):
        return JSONResponse({"error": "not_found" if upstream.status_code == 404 else "expired"}, status_code=upstream.status_code)
    if upstream.status_code == 503 and error_code(upstream) == "pdf_pending":
        return pdf_pending(_retry_after(upstream))
    if upstream.status_code != 200:
        return JSONResponse({"error": "unavailable"}, status_code=503)
    disposition = upstream.headers.get("content-disposition") or 'attachment; filename="confirmation.pdf"'
    return Response(
        upstream.content,
        media_type="application/pdf",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


def pdf_pending(seconds: int) -> JSONResponse:
    """503: the PDF is being rendered; ask again after ``seconds`` (header and body)."""
    return JSONResponse({"error": "pdf_pending", "message": bilingual("pdf_pending"), "retry_after": seconds},
                        status_code=503, headers={"Retry-After": str(seconds), "Cache-Control": "no-store"})


def _retry_after(upstream: httpx.Response) -> int:
    """The backend's Retry-After in whole seconds (1..RETRY_AFTER_MAX_S; the default if absent or odd)."""
    value = upstream.headers.get("retry-after", "")
    if not value.isdigit():
        return RETRY_AFTER_DEFAULT_S
    return min(max(int(value), 1), RETRY_AFTER_MAX_S)


@router.get("/downloads/{token}")
async def download(token: str, request: Request,
                   x_conversation: str = Header("", max_length=1000)) -> Response:
    """The confirmation PDF for a download link the assistant gave this conversation."""
    conversation_id = None
    if acceptable_sender(x_conversation):
        conversation_id = web_conversation(conversation_key(request.app.state.settings), x_conversation)
    return await confirmation_pdf(request, token, conversation_id)
