"""Train and go live: background training with progress, the evaluation beside the serving model,
going live without a restart, rollback, and who made which model live."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from bot.console import texts
from bot.console.rasa_model import ModelSwapError
from bot.console.web import Editor, Form, console_of, render

router = APIRouter(prefix="/train")
METRICS = (("accuracy_with_fallback", "understood correctly (fallback counts as wrong)"),
           ("macro_f1", "macro F1 over intents"),
           ("in_scope_fallback_rate", "answerable questions sent to the fallback (lower is better)"),
           ("out_of_scope_caught_rate", "unanswerable questions caught"))


@router.get("")
def page(request: Request, session: Editor, message: str = "", error: str = ""):
    console = console_of(request)
    language, job, notice = texts.language_of(request), console.jobs.current, console.jobs.notice
    return render(request, "train.html", session, job=job, serving=console.rasa.serving(),
                  switches=console.jobs.switches(), metrics=METRICS, message=message,
                  job_error=texts.say(language, job.failure) if job and job.failure else (job.error if job else ""),
                  error=(texts.say(language, notice) if isinstance(notice, Exception) else notice) if error else "")


@router.post("/start")
def start(request: Request, session: Editor, form: Form):
    console_of(request).jobs.start(session.user.name)
    return RedirectResponse("/train", status_code=303)


@router.post("/go-live")
def go_live(request: Request, session: Editor, form: Form):
    console = console_of(request)
    job = console.jobs.current
    if job is None or job.running or job.error or job.model is None or job.model.name != form.get("model"):
        raise HTTPException(409, "no_finished_training")
    try:
        console.jobs.go_live(session.user.name, job.model)
    except ModelSwapError as error:
        return _failed(console, error)
    return RedirectResponse("/train?message=live", status_code=303)


def _failed(console, error: Exception) -> RedirectResponse:
    # The reason stays on the server: a crafted ?error= link cannot put words on this page.
    console.jobs.notice = error  # shown in the reader's language (texts.say)
    return RedirectResponse("/train?error=1", status_code=303)


@router.post("/rollback")
def rollback(request: Request, session: Editor, form: Form):
    console = console_of(request)
    try:
        console.jobs.rollback(session.user.name)
    except (LookupError, ModelSwapError) as error:
        return _failed(console, error)
    return RedirectResponse("/train?message=rolled-back", status_code=303)
