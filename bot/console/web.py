"""What every page shares: templates, the signed-in session, role checks, CSRF-checked forms."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from bot.config import Settings
from bot.console import sessions, texts
from bot.staffcheck import messages
from bot.console.store import Store

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["datetime"] = lambda ts: datetime.fromtimestamp(ts).strftime("%d.%m.%Y %H:%M") if ts else ""
templates.env.globals["now"] = time.time


@pass_context
def _t(context, _key: str, /, **values):
    """t("key", name=value) in templates: the text in the page's language (content/console.yml)."""
    return texts.markup(context.get("lang", texts.DEFAULT), _key, **values)


templates.env.globals["t"] = _t


@pass_context
def _problem(context, problem, part: str) -> str:
    """In templates problem(p, part) with part what, fix or name: a check's message in the page's language."""
    return getattr(messages, part)(problem, context.get("lang", texts.DEFAULT))


templates.env.globals["problem"] = _problem
MAX_FORM_FIELD = 100_000  # characters; the largest file edited as a whole is under 10 000


@dataclass
class Console:
    """The console's shared state, kept on app.state.console."""

    settings: Settings
    store: Store
    project: Path  # the checkout whose files the console edits
    jobs: Any = None  # bot.console.training_jobs.Jobs
    rasa: Any = None  # bot.console.rasa_model.RasaModels
    backend: Any = None  # bot.console.backend_client.BackendClient


class SignInRequired(Exception):
    """No valid session: GET pages redirect to the sign-in form."""


def console_of(request: Request) -> Console:
    return request.app.state.console


def current_session(request: Request) -> sessions.Session:
    session = sessions.find_session(console_of(request).store, request.cookies.get(sessions.COOKIE))
    if session is None:
        raise SignInRequired()
    return session


SessionDep = Annotated[sessions.Session, Depends(current_session)]


def editor(session: SessionDep) -> sessions.Session:
    """Only `editor` accounts change content, training data and models."""
    if session.user.role != "editor":
        raise HTTPException(403, "only_editors")
    return session


def unit_member(session: SessionDep) -> sessions.Session:
    """Only `unit` accounts see cases, and only their own unit's."""
    if session.user.role != "unit" or not session.user.unit:
        raise HTTPException(403, "only_units")
    return session


Editor = Annotated[sessions.Session, Depends(editor)]
UnitMember = Annotated[sessions.Session, Depends(unit_member)]


async def checked_form(request: Request, session: SessionDep) -> dict[str, str]:
    """The posted form as text fields, after the CSRF check (403 without the session's token)."""
    form = await request.form()
    if not sessions.csrf_ok(session.csrf, str(form.get("csrf") or "")):
        raise HTTPException(403, "csrf_failed")
    fields = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            if len(value) > MAX_FORM_FIELD:  # refused, never cut: a cut file would lose its end
                raise HTTPException(413, "field_too_long")
            fields[key] = value
    return fields


Form = Annotated[dict[str, str], Depends(checked_form)]


def render(request: Request, template: str, session: sessions.Session | None, status_code: int = 200, **context) -> HTMLResponse:
    """A page with the layout's navigation for the signed-in user, in the request's language."""
    context.update(request=request, session=session, user=session.user if session else None,
                   csrf=session.csrf if session else "", lang=texts.language_of(request))
    return templates.TemplateResponse(request, template, context, status_code=status_code)
