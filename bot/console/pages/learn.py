"""Learn from conversations: what the assistant failed on, masked, grouped; one click to act."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from bot.console import changes, editing, learning, texts
from bot.staffcheck import messages
from bot.console.web import Editor, Form, console_of, render
from bot.staffcheck.project import LANGUAGES

router = APIRouter(prefix="/learn")


@router.get("")
def learn(request: Request, session: Editor, done: str = ""):
    console = console_of(request)
    learning.sync(console.store, console.settings)
    groups = learning.grouped(learning.open_items(console.store))
    return render(request, "learn.html", session, groups=groups, intents=editing.intents(console.project), done=done)


def _open_item(request: Request, item_id: int) -> dict:
    item = learning.item(console_of(request).store, item_id)
    if item is None or item["status"] != "open":
        raise HTTPException(404, "learn_item_gone")
    return item


@router.post("/{item_id}/example")
def as_example(request: Request, session: Editor, form: Form, item_id: int):
    """Add the (masked, possibly corrected) message as a training example of an existing intent."""
    console = console_of(request)
    item = _open_item(request, item_id)
    intent, language = form.get("intent", ""), form.get("language", item["language"])
    sentence = form.get("text", item["masked_text"]).strip()
    if language not in LANGUAGES:
        raise HTTPException(422, "choose_language")
    try:
        change_id = changes.apply(console.store, console.project, session.user.name,
                                  editing.add_example(console.project, intent, language, sentence))
    except editing.EditError as error:
        return _back(request, session, texts.text(texts.language_of(request), "not_saved_because", reason=texts.say(texts.language_of(request), error)))
    except changes.Rejected as rejected:
        return _back(request, session, texts.text(texts.language_of(request), "not_saved_because",
                                                       reason="; ".join(messages.said(p, texts.language_of(request)) for p in rejected.problems)))
    learning.decide(console.store, item_id, session.user.name, "used", f"example of {intent} ({language}), change {change_id}")
    return RedirectResponse(f"/learn?done=example", status_code=303)


def _back(request: Request, session, message: str):
    console = console_of(request)
    groups = learning.grouped(learning.open_items(console.store))
    return render(request, "learn.html", session, status_code=422, groups=groups,
                  intents=editing.intents(console.project), done="", error=message)


@router.post("/{item_id}/question")
def as_question(request: Request, session: Editor, form: Form, item_id: int):
    """Start the new-question form from this message."""
    item = _open_item(request, item_id)
    learning.decide(console_of(request).store, item_id, session.user.name, "used", "started a new question")
    query = urlencode({"example": item["masked_text"], "language": item["language"]})
    return RedirectResponse(f"/edit/new-question?{query}", status_code=303)


@router.post("/{item_id}/dismiss")
def dismiss(request: Request, session: Editor, form: Form, item_id: int):
    _open_item(request, item_id)
    learning.decide(console_of(request).store, item_id, session.user.name, "dismissed", "dismissed")
    return RedirectResponse("/learn?done=dismissed", status_code=303)
