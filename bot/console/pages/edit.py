"""Editing pages: training examples, responses side by side, facts and answers, a new question."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from bot.console import changes, editing, questions, texts
from bot.console.web import Editor, Form, console_of, render
from bot.staffcheck.project import LANGUAGES

router = APIRouter(prefix="/edit")


def _saved(change_id: int) -> RedirectResponse:
    return RedirectResponse(f"/history?saved={change_id}", status_code=303)


# The form fields of each page a check's problem can point at.
PAGE_FIELDS = {"new_question.html": ("examples", "answer"), "edit_examples.html": ("examples",),
               "edit_response.html": ("text",), "edit_answer.html": ("text",)}


def field_for(problem, template: str) -> str | None:
    """The id of the form field a problem is about (by its file and language), if the page has it."""
    kinds = PAGE_FIELDS.get(template, ())
    text = f"{problem.file} {problem.what}"
    language = "de" if ("/de/" in text or "German" in text) else "en" if ("/en/" in text or "English" in text) else None
    kind = "examples" if problem.file.startswith("data/nlu/") else next((k for k in kinds if k != "examples"), None)
    return f"{kind}_{language}" if language and kind in kinds else None


def _save_or_show(request: Request, session, edit_factory, template: str, field_of=None, **context):
    """Build and apply the change; on a problem show the same form again with the problems
    (each linked to its form field: ``field_of(problem)``, by default found by file and language)."""
    console = console_of(request)
    try:
        edit = edit_factory()
        return _saved(changes.apply(console.store, console.project, session.user.name, edit))
    except editing.EditError as error:
        context.update(field_error={error.field: texts.say(texts.language_of(request), error)})
    except changes.Rejected as rejected:
        context.update(problems=[(p, field_of(p) if field_of else field_for(p, template)) for p in rejected.problems])
    return render(request, template, session, status_code=422, **context)


@router.get("")
def index(request: Request, session: Editor):
    project = console_of(request).project
    knowledge = editing.knowledge(project)
    return render(request, "edit_index.html", session, intents=editing.intents(project),
                  responses=editing.responses(project), facts=list((knowledge.get("facts") or {})),
                  answers=list((knowledge.get("answers") or {})))


@router.get("/examples/{intent}")
def examples_form(request: Request, session: Editor, intent: str):
    project = console_of(request).project
    if intent not in editing.intents(project):
        raise HTTPException(404, "no_such_intent")
    found = {language: editing.examples_of(project, intent, language) for language in LANGUAGES}
    return render(request, "edit_examples.html", session, intent=intent,
                  files={l: f for l, (f, _) in found.items()}, texts={l: "\n".join(e) for l, (_, e) in found.items()})


@router.post("/examples/{intent}/{language}")
def examples_save(request: Request, session: Editor, form: Form, intent: str, language: str):
    project = console_of(request).project
    if language not in LANGUAGES or intent not in editing.intents(project):
        raise HTTPException(404, "no_such_intent_or_language")
    found = {l: editing.examples_of(project, intent, l) for l in LANGUAGES}
    texts = {l: "\n".join(e) for l, (_, e) in found.items()}
    texts[language] = form.get("examples", "")
    return _save_or_show(request, session, lambda: editing.set_examples(project, intent, language, form.get("examples", "")),
                         "edit_examples.html", intent=intent, files={l: f for l, (f, _) in found.items()}, texts=texts)


@router.get("/responses/{name}")
def response_form(request: Request, session: Editor, name: str):
    try:
        pair = editing.response_pair(console_of(request).project, name)
    except editing.EditError as error:
        raise HTTPException(404, error.key) from None
    return render(request, "edit_response.html", session, pair=pair)


@router.post("/responses/{name}")
def response_save(request: Request, session: Editor, form: Form, name: str):
    project = console_of(request).project
    try:
        pair = editing.response_pair(project, name)
    except editing.EditError as error:
        raise HTTPException(404, error.key) from None
    texts = {l: form.get(f"text_{l}", "") for l in LANGUAGES}
    titles = {l: [form.get(f"button_{l}_{i}", "") for i in range(len(pair.buttons))] for l in LANGUAGES}
    pair.texts = texts
    for i, button in enumerate(pair.buttons):
        button.update({l: titles[l][i] for l in LANGUAGES})
    return _save_or_show(request, session, lambda: editing.set_response(project, name, texts, titles),
                         "edit_response.html", pair=pair)


@router.get("/facts/{key}")
def fact_form(request: Request, session: Editor, key: str):
    entry = (editing.knowledge(console_of(request).project).get("facts") or {}).get(key)
    if entry is None:
        raise HTTPException(404, "no_such_fact")
    return render(request, "edit_fact.html", session, key=key, value=editing.fact_text(entry.get("value")),
                  source=str(entry.get("source") or ""))


@router.post("/facts/{key}")
def fact_save(request: Request, session: Editor, form: Form, key: str):
    project = console_of(request).project
    value, source = form.get("value", ""), form.get("source", "")
    return _save_or_show(request, session, lambda: editing.set_fact(project, key, value, source),
                         "edit_fact.html", key=key, value=value, source=source)


@router.get("/answers/{intent}")
def answer_form(request: Request, session: Editor, intent: str):
    entry = (editing.knowledge(console_of(request).project).get("answers") or {}).get(intent)
    if entry is None:
        raise HTTPException(404, "no_such_answer")
    return render(request, "edit_answer.html", session, intent=intent,
                  texts={l: str(entry.get(l) or "") for l in LANGUAGES},
                  sources="\n".join(str(s) for s in entry.get("sources") or []))


@router.post("/answers/{intent}")
def answer_save(request: Request, session: Editor, form: Form, intent: str):
    project = console_of(request).project
    texts = {l: form.get(f"text_{l}", "") for l in LANGUAGES}
    sources = form.get("sources", "")
    return _save_or_show(request, session, lambda: editing.set_answer(project, intent, texts, sources),
                         "edit_answer.html", intent=intent, texts=texts, sources=sources)


# Files with their own structure (concerns with fields, first-match routing rules): edited as
# text, with the same checks on save as every other change.
WHOLE_FILES = {"concerns": "content/concerns.yml", "routing": "content/routing.yml"}


def _whole_file(name: str) -> str:
    if name not in WHOLE_FILES:
        raise HTTPException(404, "file_not_editable")
    return WHOLE_FILES[name]


@router.get("/file/{name}")
def file_form(request: Request, session: Editor, name: str):
    rel = _whole_file(name)
    text = (console_of(request).project / rel).read_text(encoding="utf-8")
    return render(request, "edit_file.html", session, name=name, rel=rel, text=text)


@router.post("/file/{name}")
def file_save(request: Request, session: Editor, form: Form, name: str):
    rel = _whole_file(name)
    text = form.get("text", "").replace("\r\n", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    edit = changes.Edit(f"{'Concerns' if name == 'concerns' else 'Routing rules'} ({rel})", {rel: text})
    return _save_or_show(request, session, lambda: edit, "edit_file.html", name=name, rel=rel, text=text)


@router.get("/new-question")
def question_form(request: Request, session: Editor, example: str = "", language: str = "de"):
    """The one form for a new question; may start from a client message of the learn list."""
    examples = {l: "" for l in LANGUAGES}
    if language in LANGUAGES:
        examples[language] = example[:500]
    return render(request, "new_question.html", session, values={"intent": "", "source": "", "examples": examples,
                                                                 "answers": {l: "" for l in LANGUAGES}})


@router.post("/new-question")
def question_save(request: Request, session: Editor, form: Form):
    project = console_of(request).project
    values = {"intent": form.get("intent", ""), "source": form.get("source", ""),
              "examples": {l: form.get(f"examples_{l}", "") for l in LANGUAGES},
              "answers": {l: form.get(f"answer_{l}", "") for l in LANGUAGES}}
    return _save_or_show(request, session, lambda: questions.new_question(
        project, values["intent"], values["examples"], values["answers"], values["source"]),
        "new_question.html", values=values)
