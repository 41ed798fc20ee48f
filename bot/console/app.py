"""The staff console's web application (FastAPI, pages rendered on the server)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException  # also catches the router's own 404/405

from bot.config import Settings
from bot.console import texts
from bot.console.pages import language, signin
from bot.console.store import Store
from bot.console.web import HERE, Console, SignInRequired, render

# No inline script or style anywhere: the policy forbids them, so injected markup cannot run.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def build_console(settings: Settings) -> Console:
    """The shared state: the store, the project checkout, and the clients of Rasa and the backend."""
    from bot.console.backend_client import BackendClient
    from bot.console.rasa_model import RasaModels
    from bot.console.training_jobs import Jobs

    store = Store(Path(settings.var_dir) / "console.sqlite3")
    project = Path(settings.console_project_dir)
    console = Console(settings=settings, store=store, project=project)
    console.rasa = RasaModels(settings)
    console.jobs = Jobs(console)
    console.backend = BackendClient(settings)
    return console


def create_app(settings: Settings, console: Console | None = None) -> FastAPI:
    app = FastAPI(title="LEA intake assistant: staff console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = console or build_console(settings)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(signin.router)
    app.include_router(language.router)
    for name in ("catalogue", "edit", "learn", "train", "history", "inbox"):
        module = __import__(f"bot.console.pages.{name}", fromlist=["router"])
        app.include_router(module.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _exc):
        if request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return PlainTextResponse(texts.text(texts.language_of(request), "please_sign_in"), status_code=401)

    @app.exception_handler(HTTPException)
    async def refused(request: Request, exc: HTTPException):
        # Pages raise with a key of content/console.yml; Starlette's own 404/405 get a text too.
        language = texts.language_of(request)
        detail = str(exc.detail)
        if detail in texts.catalogue():
            message = texts.text(language, detail)
        elif exc.status_code in (404, 405):
            message = texts.text(language, "page_not_found")
        else:
            message = detail
        return render(request, "error.html", None, message=message, status_code=exc.status_code)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app
