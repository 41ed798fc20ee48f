"""Check of the field registry (content/fields.yml): each field is defined there and only there.

The parts derived from it must match it: the generated domain/fields.yml (slot, ask action,
question), and no other file may define a field again (a hand-written slot, question or
label). A field's invalid-answer response must exist, and its case column must be a
column of the backend's case table.
"""

from __future__ import annotations

from bot.fields import DOMAIN_FILE, FIELDS_FILE, FieldsError, Registry, domain_drift, read_registry
from bot.staffcheck.project import LineMap, Project, line_of
from bot.staffcheck.report import Problem

LABELS = "content/labels.yml"
REGENERATE = ("run `make validate` or `make train` (both regenerate domain/fields.yml from "
              "content/fields.yml); never edit domain/fields.yml by hand")


def _where(project: Project, field_id: str) -> dict:
    data = project.load(project.root / FIELDS_FILE) or {}
    fields = data.get("fields") if isinstance(data, LineMap) else None
    line = line_of(fields, field_id) if isinstance(fields, LineMap) and field_id in fields else 0
    return {"file": FIELDS_FILE, "line": line, "name": f"field '{field_id}'"}


def _defined_twice(project: Project, registry: Registry) -> list[Problem]:
    """A field's slot, question or ask action written by hand in another domain file, or its label in labels.yml."""
    problems = []
    for path in project.yaml_files("domain"):
        where = project.rel(path)
        if where == DOMAIN_FILE:
            continue
        data = project.load(path) or {}
        slots, responses, actions = data.get("slots") or {}, data.get("responses") or {}, data.get("actions") or []
        for spec in registry.fields:
            parts = [(f"slot '{s}'", line_of(slots, s)) for s in spec.slots if s in slots]
            parts += [(f"question '{r}'", line_of(responses, r)) for r in (f"utter_ask_{spec.id}",) if r in responses]
            parts += [(f"action '{a}'", line_of(actions, actions.index(a))) for a in (f"action_ask_{spec.id}",) if a in actions]
            for part, line in parts:
                problems.append(Problem(file=where, line=line, name=f"field '{spec.id}'",
                                        what=f"defines the {part} again, which domain/fields.yml generates from content/fields.yml",
                                        fix=f"delete it from {where}; change the field in content/fields.yml only"))
    labels = (project.load(project.root / LABELS) or {}).get("fields") or {}
    for spec in registry.fields:
        if spec.id in labels:
            problems.append(Problem(file=LABELS, line=line_of(labels, spec.id), name=f"field '{spec.id}'",
                                    what="gives the field's label again (its label is in content/fields.yml)",
                                    fix=f"delete the line '{spec.id}:' under 'fields:' in {LABELS}; change the label in content/fields.yml"))
    return problems


def _case_columns(project: Project, registry: Registry) -> list[Problem]:
    from bot.backend.models import Case  # the table the backend stores cases in

    problems = []
    for spec in registry.fields:
        column = spec.case.column
        if column and column != "message" and column not in Case.__table__.columns:
            problems.append(Problem(**_where(project, spec.id),
                                    what=f"is sent as case column '{column}', which the backend's case table does not have",
                                    fix="write `case: note` (the answer is sent as a line of the case's message), "
                                        "or ask a developer to add the column (bot/backend/models.py and a migration)"))
    return problems


def check_fields(project: Project) -> list[Problem]:
    """The registry loads; the generated domain matches it; nothing defines a field a second time."""
    try:
        registry = read_registry(project.root)
    except FieldsError as error:
        text = str(error).removeprefix(f"{FIELDS_FILE}, ").removeprefix(f"{FIELDS_FILE}: ")
        return [Problem(file=FIELDS_FILE, what=text, fix="correct the entry named above (the assistant refuses to start with this file)")]
    problems = [Problem(file=DOMAIN_FILE, name=f"field '{field_id}'", what=f"is out of date: {what}", fix=REGENERATE)
                for field_id, what in domain_drift(project.root)]
    problems += _defined_twice(project, registry)
    responses = project.domain.responses
    for spec in registry.fields:
        group = spec.invalid_group
        if f"utter_invalid_{group}" not in responses and not spec.invalid_text:
            problems.append(Problem(**_where(project, spec.id),
                                    what=f"has no response explaining an answer it cannot read (utter_invalid_{group})",
                                    fix="add `invalid_text: {de: \"...\", en: \"...\"}` to the field, "
                                        "or `invalid: <group>` naming an existing utter_invalid_<group>"))
    return problems + _case_columns(project, registry)
