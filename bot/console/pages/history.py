"""History: every saved change with who, when and the diff; undo one with a click."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from bot.console import changes, texts
from bot.staffcheck import messages
from bot.console.web import Editor, Form, console_of, render

router = APIRouter()


@router.get("/history")
def history(request: Request, session: Editor, saved: int = 0):
    entries = changes.history(console_of(request).store)
    return render(request, "history.html", session, entries=entries, saved=saved, error="")


@router.post("/history/{change_id}/revert")
def revert(request: Request, session: Editor, form: Form, change_id: int):
    console = console_of(request)
    try:
        new_id = changes.revert(console.store, console.project, session.user.name, change_id)
    except changes.Conflict as conflict:
        return render(request, "history.html", session, status_code=409,
                      entries=changes.history(console.store), saved=0, error=texts.say(texts.language_of(request), conflict))
    except changes.Rejected as rejected:
        return render(request, "history.html", session, status_code=422, entries=changes.history(console.store),
                      saved=0, error=texts.text(texts.language_of(request), "undo_problem", reason="; ".join(messages.said(p, texts.language_of(request)) for p in rejected.problems)))
    return RedirectResponse(f"/history?saved={new_id}", status_code=303)
