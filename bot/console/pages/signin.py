"""Sign-in and sign-out; the start page each role lands on."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from bot.console import accounts, sessions, texts
from bot.console.web import Form, SessionDep, console_of, render

router = APIRouter()


def _cookie_options(request: Request) -> dict:
    # Secure: browsers keep sending it to http://127.0.0.1 (a trustworthy origin) and, behind
    # the office's TLS proxy, never over plain HTTP.
    return {"httponly": True, "samesite": "strict", "secure": True, "path": "/"}


@router.get("/login")
def login_form(request: Request, error: str = ""):
    """The sign-in form; its own CSRF token is double-submitted (cookie + field)."""
    token = secrets.token_urlsafe(32)
    key = {"failed": "login_failed", "limited": "login_limited", "expired": "login_expired"}.get(error)
    message = texts.text(texts.language_of(request), key) if key else ""
    response = render(request, "login.html", None, message=message, login_csrf=token,
                      status_code=401 if error else 200)
    response.set_cookie(sessions.LOGIN_COOKIE, token, max_age=3600, **_cookie_options(request))
    return response


@router.post("/login")
async def login(request: Request):
    """Check name and password (rate-limited per name and per address); open a session."""
    console = console_of(request)
    form = await request.form()
    if not sessions.csrf_ok(request.cookies.get(sessions.LOGIN_COOKIE), str(form.get("csrf") or "")):
        return RedirectResponse("/login?error=expired", status_code=303)
    name = str(form.get("name") or "").strip().lower()[:40]
    password = str(form.get("password") or "")[:200]
    address = f"addr:{request.client.host if request.client else '?'}"
    keys = (f"name:{name}", address)
    if sessions.too_many_failures(console.store, *keys):
        return RedirectResponse("/login?error=limited", status_code=303)
    user = accounts.check_password(console.store, name, password)
    if user is None:
        sessions.record_failure(console.store, *keys)
        return RedirectResponse("/login?error=failed", status_code=303)
    sessions.clear_failures(console.store, f"name:{name}")
    console.store.audit(user.name, "sign_in", unit=user.unit)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(sessions.COOKIE, sessions.open_session(console.store, user), max_age=sessions.MAX_AGE_S,
                        **_cookie_options(request))
    response.delete_cookie(sessions.LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, form: Form):
    sessions.close_session(console_of(request).store, session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, session: SessionDep):
    """Editors start at what the assistant failed on; unit staff at their inbox."""
    return RedirectResponse("/learn" if session.user.is_editor else "/inbox", status_code=303)
