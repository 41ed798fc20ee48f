"""Public endpoints: verification of a confirmation by its code, and health."""

from __future__ import annotations

from datetime import datetime
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select, text

from bot.backend.api.deps import Ctx
from bot.backend.cases import OFFICE_TZ
from bot.backend.models import Case, Confirmation
from bot.backend.security import normalise_code

router = APIRouter(tags=["public"])

PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em">{body}</body></html>"""


@router.get("/verify/{code}", responses={404: {"description": "not a genuine confirmation"}})
def verify(ctx: Ctx, code: str, request: Request):
    """Whether a confirmation with this code was issued: case number and time of receipt only."""
    found = _lookup(ctx, code)
    if "text/html" in request.headers.get("accept", ""):
        return _page(found)
    if found is None:
        return JSONResponse({"genuine": False}, status_code=404)
    number, received_at = found
    return {"genuine": True, "case_number": number, "received_at": received_at.isoformat()}


def _lookup(ctx: Ctx, code: str) -> tuple[str, datetime] | None:
    canonical = normalise_code(code[:40])
    if canonical is None:
        return None
    with ctx.read_sessions() as session:
        row = session.execute(
            select(Case.case_number, Confirmation.received_at)
            .join(Case, Case.id == Confirmation.case_id)
            .where(Confirmation.verification_code == canonical)
        ).first()
    return (row[0], row[1]) if row else None


def _page(found: tuple[str, datetime] | None) -> HTMLResponse:
    """The same answer for a person who scanned the QR code: German, then English."""
    if found is None:
        body = ("<h1>Nicht bestätigt / Not confirmed</h1><p>Zu diesem Code gibt es keine Eingangsbestätigung.</p>"
                "<p>No confirmation of receipt exists for this code.</p>")
        return HTMLResponse(PAGE.format(title="Nicht bestätigt / Not confirmed", body=body), status_code=404)
    number, received_at = escape(found[0]), found[1].astimezone(OFFICE_TZ)
    when_de = received_at.strftime("%d.%m.%Y, %H:%M Uhr")
    when_en = received_at.strftime("%d %B %Y, %H:%M (Berlin time)")
    body = (f"<h1>Echt / Genuine</h1><p>Das Landesamt für Einwanderung hat den Vorgang <b>{number}</b> "
            f"am {when_de} erhalten.</p><p>The Immigration Office received case <b>{number}</b> on {when_en}.</p>")
    return HTMLResponse(PAGE.format(title=f"{number}: echt / genuine", body=body))


@router.get("/health")
def health(ctx: Ctx) -> dict:
    """Liveness and database reachability."""
    with ctx.read_sessions() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}
