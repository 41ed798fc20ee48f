"""Serves the web chat widget (script and stylesheet) and a demo office page embedding it.

The gateway includes ``router``; nothing here calls another service. Office pages
embed the widget with one tag, ``<script src="<gateway>/widget.js" defer></script>``
(see docs/WIDGET.md).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Query
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from bot.config import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Assets are small and change only with a deploy: a short cache keeps updates quick.
ASSET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
    # Office pages on other origins (even with cross-origin isolation) may load them.
    "Cross-Origin-Resource-Policy": "cross-origin",
}

# The demo page loads nothing but its own origin.
DEMO_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

DEMO_TEXTS = {
    "de": {
        "page_title": "Kontakt – Landesamt für Einwanderung (Demo)",
        "skip": "Zum Inhalt springen",
        "office": "Landesamt für Einwanderung",
        "nav_label": "Sprache",
        "other_href": "/?lang=en",
        "other_lang": "en",
        "other_name": "English",
        "heading": "Kontakt in Einzelfallangelegenheiten",
        "demo_note": "Dies ist eine Demonstrationsseite für den Online-Assistenten.",
        "intro": "Über den Online-Assistenten richten Sie Ihr Anliegen direkt an die zuständige Stelle.",
        "how": "Öffnen Sie den Assistenten mit der Schaltfläche „Online-Assistent“ unten rechts. "
        "Er fragt nur die Angaben ab, die für Ihr Anliegen nötig sind.",
        "scan": "Alle Anhänge werden auf Viren geprüft.",
        "footer": "Landesamt für Einwanderung – Demonstrationsseite",
    },
    "en": {
        "page_title": "Contact – Immigration Office (demo)",
        "skip": "Skip to content",
        "office": "Landesamt für Einwanderung (Immigration Office)",
        "nav_label": "Language",
        "other_href": "/",
        "other_lang": "de",
        "other_name": "Deutsch",
        "heading": "Contact in individual matters",
        "demo_note": "This is a demonstration page for the online assistant.",
        "intro": "With the online assistant you send your request straight to the responsible unit.",
        "how": "Open the assistant with the “Online assistant” button at the bottom right. "
        "It asks only for the details your request needs.",
        "scan": "All attachments are checked for viruses.",
        "footer": "Landesamt für Einwanderung – demonstration page",
    },
}

router = APIRouter(tags=["widget"])


def _asset(name: str, media_type: str) -> FileResponse:
    """One static file of the widget with its caching headers."""
    return FileResponse(STATIC_DIR / name, media_type=media_type, headers=ASSET_HEADERS)


@router.get("/widget.js", include_in_schema=False)
def widget_script() -> FileResponse:
    """The widget's script (the only tag an office page needs)."""
    return _asset("widget.js", "text/javascript; charset=utf-8")


@router.get("/widget.css", include_in_schema=False)
def widget_stylesheet() -> FileResponse:
    """The widget's stylesheet, loaded by the script into its shadow root."""
    return _asset("widget.css", "text/css; charset=utf-8")


@router.get("/widget-demo.css", include_in_schema=False)
def demo_stylesheet() -> FileResponse:
    """Styles of the demo office page only."""
    return _asset("demo.css", "text/css; charset=utf-8")


@lru_cache
def _demo_template() -> Template:
    """The demo page's HTML template."""
    return Template((STATIC_DIR / "demo.html").read_text(encoding="utf-8"))


def render_demo_page(lang: str) -> str:
    """The demo office page in German or English."""
    texts = {key: escape(value) for key, value in DEMO_TEXTS[lang].items()}
    return _demo_template().substitute(texts, lang=lang)


@router.get("/", include_in_schema=False)
def demo_page(lang: str = Query("de", max_length=10)) -> Response:
    """A small office page embedding the widget; ``?lang=en`` for English."""
    if lang not in DEMO_TEXTS:
        return PlainTextResponse(
            "Sprache nicht unterstützt, bitte lang=de oder lang=en verwenden.\n"
            "Language not supported, please use lang=de or lang=en.\n",
            status_code=400,
        )
    return HTMLResponse(render_demo_page(lang), headers=DEMO_PAGE_HEADERS)


@router.get("/en", include_in_schema=False)
def demo_page_english() -> HTMLResponse:
    """The English demo page at a short address."""
    return HTMLResponse(render_demo_page("en"), headers=DEMO_PAGE_HEADERS)


def embedding_origins(value: str) -> list[str]:
    """The origins of INTAKE_WIDGET_ORIGINS ("https://a.example, https://b.example"); ValueError if malformed."""
    origins = []
    for item in (part.strip().rstrip("/") for part in value.split(",")):
        if not item:
            continue
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query or "*" in item:
            raise ValueError(f"INTAKE_WIDGET_ORIGINS: {item!r} is not an origin like https://www.example.org")
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return origins


def allow_embedding(app: FastAPI, settings: Settings) -> None:
    """Let the widget on the configured office pages call the chat and upload APIs (CORS).

    The widget sends no cookies, so no credentials are allowed; only its two POSTs (Content-Type)
    and the PDF download (X-Conversation) need a preflight; a download's Content-Disposition and
    Retry-After are exposed to it. Without configured origins nothing is added.
    """
    origins = embedding_origins(settings.widget_origins)
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-Conversation"], allow_credentials=False, max_age=600,
            # The widget reads these of a download: the PDF's file name, and when to ask again
            # for a PDF still being rendered (503 pdf_pending).
            expose_headers=["Content-Disposition", "Retry-After"],
        )
