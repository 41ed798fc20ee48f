"""Check of the field registry (content/fields.yml): each field is defined there and only there.

The parts derived from it must match it: the generated domain/fields.yml (slot, ask action,
question), and no other file may define a field again (a hand-written slot, question or
label). A field's invalid-answer response must exist, and its case column must be one the
backend's migrations build, of the field's type (a new column needs a migration).
"""

from __future__ import annotations

from bot.fields import DOMAIN_FILE, FIELDS_FILE, KINDS, FieldsError, Registry, domain_drift, read_registry
from bot.staffcheck.messages import problem
from bot.staffcheck.project import LineMap, Project, line_of
from bot.staffcheck.report import Problem

LABELS = "content/labels.yml"


def _where(project: Project, field_id: str) -> dict:
    data = project.load(project.root / FIELDS_FILE) or {}
    fields = data.get("fields") if isinstance(data, LineMap) else None
    line = line_of(fields, field_id) if isinstance(fields, LineMap) and field_id in fields else 0
    return {"line": line, "name": f"field '{field_id}'"}


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
                problems.append(problem(where, "field_defined_twice", line=line, name=f"field '{spec.id}'",
                                        part=part, file=where))
    labels = (project.load(project.root / LABELS) or {}).get("fields") or {}
    for spec in registry.fields:
        if spec.id in labels:
            problems.append(problem(LABELS, "field_label_twice", line=line_of(labels, spec.id),
                                    name=f"field '{spec.id}'", field=spec.id))
    return problems


def _case_columns(project: Project, registry: Registry) -> list[Problem]:
    """Each case column must be one the backend's migrations build, of the field's type: the
    case table's model takes its columns from content/fields.yml (bot/backend/models.py), the
    database gets them only from a migration."""
    from sqlalchemy.dialects import sqlite

    from bot.backend.migrations import migrated_columns
    from bot.backend.models import ENTRY_COLUMN, field_column_type

    built = migrated_columns("cases")
    problems = []
    for spec in registry.fields:
        if not spec.case.column or spec.case.column == ENTRY_COLUMN:
            continue
        columns = {name: column for name, column in registry.case_columns().items()
                   if name in (spec.case.column, *KINDS[spec.kind].extra_slots)}
        for name, column in columns.items():
            wanted = (str(field_column_type(column).compile(dialect=sqlite.dialect())), not column.required)
            if name not in built:
                problems.append(problem(FIELDS_FILE, "field_column_unknown", **_where(project, spec.id), column=name))
            elif built[name] != wanted:
                problems.append(problem(FIELDS_FILE, "field_column_differs", **_where(project, spec.id), column=name,
                                        wanted=_column_text(*wanted), built=_column_text(*built[name])))
    return problems


def _column_text(sql_type: str, nullable: bool) -> str:
    return sql_type + ("" if nullable else " NOT NULL")


def check_fields(project: Project) -> list[Problem]:
    """The registry loads; the generated domain matches it; nothing defines a field a second time."""
    try:
        registry = read_registry(project.root)
    except FieldsError as error:
        text = str(error).removeprefix(f"{FIELDS_FILE}, ").removeprefix(f"{FIELDS_FILE}: ")
        return [problem(FIELDS_FILE, "loader_refuses", message=text)]
    problems = [problem(DOMAIN_FILE, "field_domain_out_of_date", name=f"field '{field_id}'", part=part)
                for field_id, part in domain_drift(project.root)]
    problems += _defined_twice(project, registry)
    responses = project.domain.responses
    for spec in registry.fields:
        group = spec.invalid_group
        if f"utter_invalid_{group}" not in responses and not spec.invalid_text:
            problems.append(problem(FIELDS_FILE, "field_without_invalid_response", **_where(project, spec.id), group=group))
    return problems + _case_columns(project, registry)
