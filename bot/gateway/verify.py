"""The public verification page: GET /verify/<code> on the product's public origin.

The QR code and URL printed on every confirmation point here (``INTAKE_VERIFY_URL``,
default the gateway's public URL + /verify). People get an HTML page in German or
English (``?lang=de|en``, else Accept-Language); machines get JSON with
``Accept: application/json``. The particulars come from the backend's internal
endpoint (internal token): enough that an edited PDF fails the check, nothing more
(bot/backend/verification.py; the fields shown are those with `verification:` in
content/fields.yml). Rate-limited per client by the gateway's limits
(bot/gateway/limits.py counts every path under /verify/).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from html import escape

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.catalogue import load_catalogue
from bot.confirmation.fiktion import OFFICE_TZ
from bot.confirmation.texts import country_name, format_date, text
from bot.fields import CaseColumn, load_registry

log = logging.getLogger(__name__)
router = APIRouter(tags=["verification"])
MAX_CODE_CHARS = 40  # a code is 14 characters; people may type spaces
HEADERS = {
    "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'",
    "X-Content-Type-Options": "nosniff", "Vary": "Accept, Accept-Language",
}
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em; line-height: 1.4">
<p style="color:#036">{office}</p><h1>{title}</h1><p>{intro}</p>{table}
<p><a href="?lang={other}" lang="{other}">{other_label}</a></p></body></html>"""


def _language(request: Request) -> str:
    """?lang= first, then the first de/en of Accept-Language (quality order), else German."""
    asked = request.query_params.get("lang", "")
    if asked in ("de", "en"):
        return asked
    ranked = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            ranked.append((float(quality or 1), tag.strip().lower()[:2]))
        except ValueError:
            continue
    for _, tag in sorted(ranked, key=lambda item: -item[0]):
        if tag in ("de", "en"):
            return tag
    return "de"


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def _lookup(request: Request, code: str) -> dict | None:
    """The backend's particulars, None for an unknown code; raises httpx.HTTPError when down."""
    settings = request.app.state.settings
    async with httpx.AsyncClient(base_url=settings.backend_url, timeout=10) as client:
        upstream = await client.get(f"/internal/verify/{code}", headers={"X-Internal-Token": settings.internal_token})
    if upstream.status_code == 404:
        return None
    upstream.raise_for_status()
    return upstream.json()


@router.get("/verify/{code}", responses={404: {"description": "no confirmation with this code"}})
async def verify(code: str, request: Request) -> Response:
    """Whether a confirmation with this code exists, with the particulars to compare."""
    language, as_json = _language(request), _wants_json(request)
    found: dict | None = None
    if len(code) <= MAX_CODE_CHARS and code.replace("-", "").replace(" ", "").isalnum():
        try:
            found = await _lookup(request, code)
        except (httpx.HTTPError, ValueError):
            log.warning("verification: backend unavailable")
            if as_json:
                return JSONResponse({"error": "unavailable"}, status_code=503, headers=HEADERS)
            return _page(language, "title_unknown", "unavailable", "", status=503)
    if as_json:
        body = {**found, "title_as_stated_by_applicant": True} if found else {"genuine": False}
        return JSONResponse(body, status_code=200 if found else 404, headers=HEADERS)
    if found is None:
        return _page(language, "title_unknown", "intro_unknown", "", status=404)
    return _page(language, "title_genuine", "intro_genuine", _table(found, language))


def _table(found: dict, lang: str) -> str:
    """The particulars as a definition list; every value escaped. Beside the case number, the
    time of receipt and the Fiktionswirkung: the fields with `verification:` in content/fields.yml."""
    received = datetime.fromisoformat(found["received_at"]).astimezone(OFFICE_TZ)
    when = text("values.received_at", lang, date=format_date(received.date(), lang), time=received.strftime("%H:%M"))
    rows = [
        (text("verification_page.case_number", lang), found["case_number"]),
        (text("verification_page.received_at", lang), when),
    ]
    registry = load_registry()
    for spec in registry.on_verification():
        value = found.get(spec.case.column)
        if value not in (None, ""):
            rows.append((registry.label(spec.id, lang) or spec.id, _shown(spec.case, value, lang)))
    rows.append((text("verification_page.fiktion", lang),
                 text("verification_page.fiktion_yes" if found["fiktionswirkung_certified"]
                      else "verification_page.fiktion_no", lang)))
    items = "".join(f"<dt style=\"color:#555\">{escape(label)}</dt>"
                    f"<dd style=\"margin:0 0 .8em 0\"><b>{escape(value)}</b></dd>" for label, value in rows)
    return f"<dl>{items}</dl>"


def _shown(column: CaseColumn, value: object, lang: str) -> str:
    """A field's value as a reader compares it with the PDF, by its case type (content/fields.yml);
    the document held is marked as the applicant's own statement."""
    if column.type == "date":
        return format_date(date.fromisoformat(str(value)), lang)
    if column.names_a_title:
        return text("verification_page.as_stated", lang, value=load_catalogue().title_label(str(value), lang))
    if column.type == "country":
        return country_name(str(value), lang)
    return str(value)


def _page(lang: str, title_key: str, intro_key: str, table: str, status: int = 200) -> HTMLResponse:
    other = "en" if lang == "de" else "de"
    page = PAGE.format(
        lang=lang, title=escape(text(f"verification_page.{title_key}", lang)), office=escape(text("office", lang)),
        intro=escape(text(f"verification_page.{intro_key}", lang)), table=table, other=other,
        other_label=escape(text("verification_page.other_language", lang)),
    )
    return HTMLResponse(page, status_code=status, headers={**HEADERS, "Content-Language": lang})
