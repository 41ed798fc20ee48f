"""Downloads of confirmation PDFs: GET /downloads/<token> with the header X-Conversation.

The token is unguessable (issued by the backend, stored hashed there), bound to
one conversation and expires; wrong or expired links get 404/410 and no data. The
conversation is named by the client's own sender in the ``X-Conversation`` header,
never in the URL: URLs end up in browser histories, proxies and logs.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response

from bot.gateway.identity import acceptable_sender, conversation_key, web_conversation

router = APIRouter(tags=["downloads"])


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
    if upstream.status_code != 200:
        return JSONResponse({"error": "unavailable"}, status_code=503)
    disposition = upstream.headers.get("content-disposition") or 'attachment; filename="confirmation.pdf"'
    return Response(
        upstream.content,
        media_type="application/pdf",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@router.get("/downloads/{token}")
async def download(token: str, request: Request,
                   x_conversation: str = Header("", max_length=1000)) -> Response:
    """The confirmation PDF for a download link the assistant gave this conversation."""
    conversation_id = None
    if acceptable_sender(x_conversation):
        conversation_id = web_conversation(conversation_key(request.app.state.settings), x_conversation)
    return await confirmation_pdf(request, token, conversation_id)
