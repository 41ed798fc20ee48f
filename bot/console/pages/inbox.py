"""Unit inbox: the signed-in unit's cases, one case with its data, files, follow-ups; "done"."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from bot.console import links, texts
from bot.console.backend_client import BackendUnavailable
from bot.console.web import Form, UnitMember, console_of, render
from bot.fields import KINDS, load_registry

router = APIRouter(prefix="/inbox")
CASE_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,20}$")
UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _number(case_number: str) -> str:
    if not CASE_NUMBER.match(case_number):
        raise HTTPException(404, "no_such_case")
    return case_number.upper()


def case_fields(case: dict, language: str) -> list[tuple[str, str]]:
    """(label, value) of the case's fields as staff read them: each `case` column of
    content/fields.yml the case holds, in the registry's order, labelled in the console's
    language; a kind's extra column (the postal code) beside its field. The message is shown
    with the submissions, fields sent as notes inside it."""
    registry, rows = load_registry(), []
    for spec in registry.fields:
        value = case.get(spec.case.column) if spec.case.column else None
        if value in (None, ""):
            continue
        extras = [str(case[extra]) for extra in KINDS[spec.kind].extra_slots if case.get(extra)]
        rows.append((registry.label(spec.id, language) or spec.id, " ".join([str(value), *extras])))
    return rows


def inbox_columns(language: str) -> list[tuple[str, str]]:
    """(case column, label) of the unit's list of cases: the fields with `inbox:` in
    content/fields.yml, in their order, labelled in the console's language."""
    registry = load_registry()
    return [(spec.case.column, registry.label(spec.id, language) or spec.id) for spec in registry.in_inbox()]


@router.get("")
def inbox(request: Request, session: UnitMember, status: str = ""):
    console, unit = console_of(request), session.user.unit
    try:
        cases = console.backend.cases(unit, status if status in ("open", "done") else None)
    except BackendUnavailable as error:
        raise HTTPException(503, "case_store_unreachable") from None
    console.store.audit(session.user.name, "list", unit=unit)
    return render(request, "inbox.html", session, cases=cases, status=status,
                  columns=inbox_columns(texts.language_of(request)),
                  links={c["case_number"]: links.links_of(c, unit) for c in cases},
                  follow_ups={c["case_number"]: links.follow_ups(c) for c in cases})


@router.get("/{case_number}")
def case(request: Request, session: UnitMember, case_number: str, message: str = ""):
    console, unit, number = console_of(request), session.user.unit, _number(case_number)
    try:
        found = console.backend.case(unit, number)
    except BackendUnavailable as error:
        raise HTTPException(503, "case_store_unreachable") from None
    console.store.audit(session.user.name, "read", unit=unit, case_number=number, ok=found is not None)
    if found is None:
        raise HTTPException(404, "no_such_case")
    return render(request, "case.html", session, case=found, message=message,
                  fields=case_fields(found, texts.language_of(request)),
                  links=links.links_of(found, unit), follow_ups=links.follow_ups(found))


@router.post("/{case_number}/done")
def done(request: Request, session: UnitMember, form: Form, case_number: str):
    console, unit, number = console_of(request), session.user.unit, _number(case_number)
    ok = console.backend.done(unit, number)
    console.store.audit(session.user.name, "done", unit=unit, case_number=number, ok=ok)
    if not ok:
        raise HTTPException(404, "no_such_case")
    return RedirectResponse(f"/inbox/{number}?message=done", status_code=303)


def _download(request: Request, session, case_number: str, what: str, action: str) -> Response:
    console, unit, number = console_of(request), session.user.unit, _number(case_number)
    found = console.backend.file(unit, number, what)
    console.store.audit(session.user.name, action, unit=unit, case_number=number, ok=found is not None)
    if found is None:
        raise HTTPException(404, "no_such_file")
    headers = {k: v for k, v in found.headers.items() if k.lower() in ("content-disposition", "content-type")}
    return Response(found.content, headers=headers)


@router.get("/{case_number}/confirmation.pdf")
def confirmation(request: Request, session: UnitMember, case_number: str):
    return _download(request, session, case_number, "confirmation.pdf", "read_confirmation")


@router.get("/{case_number}/attachments/{upload_id}")
def attachment(request: Request, session: UnitMember, case_number: str, upload_id: str):
    if not UPLOAD_ID.match(upload_id):
        raise HTTPException(404, "no_such_file")
    return _download(request, session, case_number, f"attachments/{upload_id}", "read_attachment")
