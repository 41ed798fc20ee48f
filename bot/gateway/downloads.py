"""Downloads of confirmation PDFs: GET /downloads/<token>.

The token is unguessable (issued by the backend, stored hashed there), bound to
one conversation and expires; wrong or expired links get 404/410 and no data.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

router = APIRouter(tags=["downloads"])


@router.get("/downloads/{token}")
async def download(token: str, request: Request, sender: str = Query("", max_length=128)) -> Response:
    """The confirmation PDF for a download link the assistant gave this conversation."""
    settings = request.app.state.settings
    if not (20 <= len(token) <= 100):
        return JSONResponse({"error": "not_found"}, status_code=404)
    try:
        async with httpx.AsyncClient(base_url=settings.backend_url, timeout=15) as client:
            upstream = await client.get(
                f"/internal/confirmations/{token}",
                params={"conversation_id": sender} if sender else None,
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
