"""Forms for the concern catalogue and the routing rules (editors only).

The whole-file text editor (/edit/file/concerns, /edit/file/routing) stays as the
experts' fallback; these forms change one concern or one rule and go through the same
checks on save (bot/staffcheck), each problem pointing at the form field to fix.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request

from bot.console import concern_forms, routing_forms, texts
from bot.console.editing import EditError
from bot.console.pages.edit import _save_or_show
from bot.console.web import Editor, Form, console_of, render
from bot.staffcheck.project import LANGUAGES

router = APIRouter(prefix="/edit")
FIELD_NAMED = re.compile(r"field '(\w+)'")


def _concern_field(problem) -> str | None:
    """The form field a check's problem about a concern is about."""
    text = problem.what
    if "optional field" in text or "unknown field" in text:
        return "fields"
    if "'name'" in text:
        return "name_de"
    if "unit_family" in text:
        return "unit_family"
    return None


def _rule_field(problem) -> str | None:
    """The form field a routing problem names (the backend's loader says "field 'unit'")."""
    named = FIELD_NAMED.search(problem.what)
    if named:
        return "unit" if named.group(1) == "unit" else f"cond_{named.group(1)}"
    return "id" if "the id" in problem.what or "'id'" in problem.what else None


def _concern_context(request: Request, form: concern_forms.ConcernForm) -> dict:
    language = texts.language_of(request)
    project = console_of(request).project
    labels = concern_forms.field_labels(project, language)
    names = {"name_de": texts.text(language, "concern_name_de"), "name_en": texts.text(language, "concern_name_en"),
             "unit_family": texts.text(language, "concern_department"),
             "fields": texts.text(language, "concern_fields_caption")} | {f"field_{f}": l for f, l in labels.items()}
    return {"form": form, "labels": labels, "field_names": names,
            "needed": concern_forms.case_fields(), "families": concern_forms.UNIT_FAMILIES}


@router.get("/concerns")
def concerns(request: Request, session: Editor):
    project = console_of(request).project
    forms = [concern_forms.concern_form(project, c) for c in concern_forms.concern_ids(project)]
    return render(request, "edit_concerns.html", session, concerns=forms)


def _concern(request: Request, concern: str) -> concern_forms.ConcernForm:
    try:
        return concern_forms.concern_form(console_of(request).project, concern)
    except EditError:
        raise HTTPException(404, "no_such_concern") from None


@router.get("/concerns/{concern}")
def concern_page(request: Request, session: Editor, concern: str):
    return render(request, "edit_concern.html", session, **_concern_context(request, _concern(request, concern)))


@router.post("/concerns/{concern}")
def concern_save(request: Request, session: Editor, form: Form, concern: str):
    project = console_of(request).project
    shown = _concern(request, concern)
    shown.names = {l: form.get(f"name_{l}", "") for l in LANGUAGES}
    shown.unit_family = form.get("unit_family", "")
    shown.asks = {fid: form.get(f"field_{fid}", concern_forms.NOT_ASKED) for fid in shown.asks}
    return _save_or_show(request, session, lambda: concern_forms.set_concern(
        project, concern, shown.names, shown.unit_family, shown.asks), "edit_concern.html",
        field_of=_concern_field, **_concern_context(request, shown))


def _rule_context(request: Request, form: routing_forms.RuleForm, new: bool) -> dict:
    project = console_of(request).project
    language = texts.language_of(request)
    names = {f"cond_{c}": texts.text(language, f"condition_{c}") for c in routing_forms.CONDITIONS} | {
        "id": texts.text(language, "rule_id"), "unit": texts.text(language, "rule_unit"),
        "conditions": texts.text(language, "rule_conditions")}
    return {"form": form, "new": new, "choices": routing_forms.choices(project), "field_names": names,
            "units": routing_forms.unit_names(project, language), "values": routing_forms.value_labels(project, language),
            "rules": [r.id for r in routing_forms.rules(project)], "chosen": routing_forms.CHOSEN}


@router.get("/routing")
def routing(request: Request, session: Editor):
    project = console_of(request).project
    language = texts.language_of(request)
    return render(request, "edit_routing.html", session, rules=routing_forms.rules(project),
                  units=routing_forms.unit_names(project, language), values=routing_forms.value_labels(project, language))


def _posted_rule(form: dict[str, str], choices: dict[str, list[str]]) -> routing_forms.RuleForm:
    chosen = {c: [v for v in choices[c] if form.get(f"cond_{c}__{v}")] for c in routing_forms.CHOSEN}
    unknown = [k for k in form if k.startswith("cond_") and "__" in k
               and k.split("__", 1)[1] not in choices.get(k[5:].split("__", 1)[0], [])]
    if unknown:
        raise HTTPException(422, "rule_unknown_choice")
    return routing_forms.RuleForm(form.get("id", "").strip(), form.get("unit", ""), form.get("note", ""),
                                  {c: v for c, v in chosen.items() if v},
                                  {c: form.get(f"cond_{c}", "") for c in routing_forms.TYPED})


def _rule(request: Request, rule_id: str) -> routing_forms.RuleForm:
    try:
        return routing_forms.rule_form(console_of(request).project, rule_id)
    except EditError:
        raise HTTPException(404, "no_such_rule") from None


@router.get("/routing/rules/{rule_id}")
def rule_page(request: Request, session: Editor, rule_id: str):
    return render(request, "edit_rule.html", session, **_rule_context(request, _rule(request, rule_id), new=False))


@router.post("/routing/rules/{rule_id}")
def rule_save(request: Request, session: Editor, form: Form, rule_id: str):
    project = console_of(request).project
    _rule(request, rule_id)
    posted = _posted_rule(form, routing_forms.choices(project))
    posted.id = rule_id
    return _save_or_show(request, session, lambda: routing_forms.set_rule(project, rule_id, posted), "edit_rule.html",
                         field_of=_rule_field, **_rule_context(request, posted, new=False))


@router.get("/routing/new")
def new_rule_page(request: Request, session: Editor):
    return render(request, "edit_rule.html", session, before="",
                  **_rule_context(request, routing_forms.RuleForm("", "", ""), new=True))


@router.post("/routing/new")
def new_rule_save(request: Request, session: Editor, form: Form):
    project = console_of(request).project
    posted = _posted_rule(form, routing_forms.choices(project))
    before = form.get("before", "")
    if before and before not in [r.id for r in routing_forms.rules(project)]:
        raise HTTPException(422, "no_such_rule")
    return _save_or_show(request, session, lambda: routing_forms.add_rule(project, posted, before), "edit_rule.html",
                         field_of=_rule_field, before=before, **_rule_context(request, posted, new=True))
