"""A deterministic stand-in for the gateway's chat and upload APIs, for widget unit tests.

It serves the real widget router and answers ``POST /webhooks/rest/webhook`` and
``POST /api/uploads`` from fixed rules, so the widget's own behaviour (rendering,
keyboard, storage, uploads, layout) is tested in a real browser without Rasa.
The full-stack tests in ``test_full_enquiry.py`` use the real gateway instead.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.gateway import widget

SCAN_SECONDS = 0.6  # long enough for the browser to show "checking for viruses"
CASE_NUMBER = "E-2025-000123"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

REPLIES = {
    "de": {
        "greet": "Guten Tag! Worum geht es?",
        "extend": "Aufenthaltserlaubnis verlängern",
        "other": "Etwas anderes",
        "upload": "Bitte laden Sie eine Kopie Ihres Passes hoch.",
        "done": f"Danke. Ihre Vorgangsnummer ist {CASE_NUMBER}.",
        "received": "Danke, die Datei ist angekommen.",
        "infected": "Die Datei wurde abgelehnt, weil sie Schadsoftware enthält.",
        "unavailable": "Die Virenprüfung ist gerade nicht verfügbar.",
        "type": "Bitte senden Sie eine PDF-, JPG- oder PNG-Datei.",
        "echo": "[de] Sie schrieben: {}",
    },
    "en": {
        "greet": "Hello! What is it about?",
        "extend": "Extend residence permit",
        "other": "Something else",
        "upload": "Please upload a copy of your passport.",
        "done": f"Thank you. Your case number is {CASE_NUMBER}.",
        "received": "Thank you, the file has arrived.",
        "infected": "The file was refused because it contains malware.",
        "unavailable": "The virus check is not available right now.",
        "type": "Please send a PDF, JPG or PNG file.",
        "echo": "[en] You wrote: {}",
    },
}


@dataclass
class Recorder:
    """What the fake gateway received, for the tests to check."""

    messages: list[dict] = field(default_factory=list)
    uploads: list[dict] = field(default_factory=list)
    failed_once: set[str] = field(default_factory=set)
    download_conversations: list[str] = field(default_factory=list)  # X-Conversation of each download
    # token -> how many more downloads get 503 pdf_pending (as the real gateway: Retry-After, bilingual text)
    pending: dict[str, int] = field(default_factory=dict)
    download_tokens: list[str] = field(default_factory=list)  # token of each download


def bot_reply(message: str, language: str, sender: str) -> list[dict]:
    """The fixed answer to one message."""
    texts = REPLIES.get(language, REPLIES["de"])
    lowered = message.strip().lower()
    out = {"recipient_id": sender}
    if lowered in {"hallo", "hello", "hi"}:
        buttons = [
            {"title": texts["extend"], "payload": "/enquiry_extend_permit"},
            {"title": texts["other"], "payload": "/other"},
        ]
        return [{**out, "text": texts["greet"], "buttons": buttons}]
    if lowered == "/enquiry_extend_permit":
        return [{**out, "text": texts["upload"]}, {**out, "custom": {"type": "upload_request"}}]
    if lowered in {"ja", "yes"}:
        pdf = {
            "type": "confirmation_pdf",
            "url": "/downloads/tok-abc123",
            "filename": f"Bestaetigung-{CASE_NUMBER}.pdf",
            "case_number": CASE_NUMBER,
        }
        return [{**out, "text": texts["done"]}, {**out, "custom": pdf}]
    if lowered in {"ja später", "yes later"}:  # a confirmation whose PDF the test holds back
        pdf = {"type": "confirmation_pdf", "url": "/downloads/tok-later", "filename": "Bestaetigung.pdf",
               "case_number": CASE_NUMBER}
        return [{**out, "text": texts["done"]}, {**out, "custom": pdf}]
    if lowered == "evil download":
        return [{**out, "custom": {"type": "confirmation_pdf", "url": "javascript:alert(1)", "filename": "x.pdf"}}]
    return [{**out, "text": texts["echo"].format(message)}]


def build_app(recorder: Recorder) -> FastAPI:
    """The widget router plus the two fake APIs, a download and an office page elsewhere."""
    app = FastAPI()
    # Office pages on another origin (the tests use http://localhost:<port>) call the API.
    app.add_middleware(CORSMiddleware, allow_origin_regex=r"http://localhost:\d+", allow_methods=["*"], allow_headers=["*"])
    app.include_router(widget.router)

    @app.post("/webhooks/rest/webhook")
    async def webhook(request: Request) -> Response:
        body = await request.json()
        recorder.messages.append(body)
        message = str(body.get("message", ""))
        if message == "fail once" and message not in recorder.failed_once:
            recorder.failed_once.add(message)
            return HTMLResponse("<h1>Bad Gateway</h1>", status_code=502)
        language = (body.get("metadata") or {}).get("language", "de")
        return JSONResponse(bot_reply(message, language, body.get("sender", "")))

    @app.post("/api/uploads")
    async def upload(sender: str = Form(...), language: str = Form("de"), file: UploadFile = File(...)) -> Response:
        data = await file.read()
        recorder.uploads.append({"sender": sender, "language": language, "filename": file.filename, "size": len(data)})
        await asyncio.sleep(SCAN_SECONDS)
        texts = REPLIES.get(language, REPLIES["de"])

        def answer(status: int, accepted: bool, code: str, text: str) -> JSONResponse:
            record = None
            if accepted:
                record = {"filename": file.filename, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            messages = [{"recipient_id": sender, "text": text}]
            return JSONResponse({"accepted": accepted, "code": code, "upload": record, "messages": messages}, status_code=status)

        if (file.filename or "").startswith("huge"):
            detail = {"de": "Die Datei ist zu groß (höchstens 10 MB).", "en": "The file is too large (at most 10 MB)."}[language]
            return JSONResponse({"accepted": False, "code": "too_large", "upload": None, "messages": [], "detail": detail}, status_code=413)
        if (file.filename or "").startswith("unavailable"):
            return answer(503, False, "scan_unavailable", texts["unavailable"])
        if b"EICAR" in data:
            return answer(200, False, "infected", texts["infected"])
        if not data.startswith((b"%PDF", b"\xff\xd8\xff", b"\x89PNG")):
            return answer(415, False, "unsupported_type", texts["type"])
        return answer(200, True, "accepted", texts["received"])

    @app.get("/downloads/{token}")
    def download(token: str, request: Request) -> Response:
        # As the real gateway: the conversation comes in a header, never in the URL.
        conversation = request.headers.get("x-conversation", "")
        recorder.download_conversations.append(conversation)
        recorder.download_tokens.append(token)
        if not conversation or request.url.query:
            return JSONResponse({"error": "not_found"}, status_code=404)
        if recorder.pending.get(token, 0) > 0:
            recorder.pending[token] -= 1
            message = {"de": "Ihre Bestätigung wird gerade erstellt.", "en": "Your confirmation is being prepared."}
            return JSONResponse({"error": "pdf_pending", "message": message, "retry_after": 1}, status_code=503,
                                headers={"Retry-After": "1", "Cache-Control": "no-store"})
        headers = {"Content-Disposition": f'attachment; filename="Bestaetigung-{CASE_NUMBER}.pdf"'}
        return Response(PDF_BYTES, media_type="application/pdf", headers=headers)

    @app.get("/office-page", response_class=HTMLResponse)
    def office_page(script_origin: str, html_lang: str = "de", data_language: str = "") -> str:
        """Another site's page embedding the widget from the gateway's origin."""
        attr = f' data-language="{data_language}"' if data_language else ""
        return (
            f'<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8"><title>Office</title></head>'
            f"<body><main><h1>Office</h1><p>Embedded widget.</p></main>"
            f'<script src="{script_origin}/widget.js"{attr} defer></script></body></html>'
        )

    return app
