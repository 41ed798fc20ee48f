"""The routing rules (content/routing.yml) as forms: per rule its unit, its conditions and a note.

Rules are checked from top to bottom and the first match wins, so a new rule is placed
before a chosen rule. Conditions are chosen from the same lists the backend's loader
accepts (concerns and purposes of content/concerns.yml, kinds of title, departments);
nationality and surname are typed (codes or region names; letter ranges). Each function
returns a ``changes.Edit``; ``changes.apply`` runs the staff checks (the backend's own
loader among them) and saves with comments and order kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.console.changes import Edit
from bot.console.editing import EditError
from bot.console.yamlfiles import YamlDocument

ROUTING = "content/routing.yml"
CONCERNS = "content/concerns.yml"
CONDITIONS = ("concern", "purpose", "title_kind", "unit_family", "nationality", "surname")
CHOSEN = ("concern", "purpose", "title_kind", "unit_family")  # picked from lists
TYPED = ("nationality", "surname")  # typed, comma-separated
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
RESERVED = ("family-follows-principal", "default")
CODE = re.compile(r"^[A-Z]{3}$")
LETTERS = re.compile(r"^[A-Z](?:-[A-Z])?$")


@dataclass
class RuleForm:
    id: str
    unit: str
    note: str
    chosen: dict[str, list[str]] = field(default_factory=dict)  # condition -> values
    typed: dict[str, str] = field(default_factory=dict)  # nationality/surname -> "A, B"


def _document(project: Path) -> YamlDocument:
    return YamlDocument.read(project / ROUTING)


def choices(project: Path) -> dict[str, list[str]]:
    """What each listed condition may name, and the units and regions of the file."""
    concerns = YamlDocument.read(project / CONCERNS).data
    routing = _document(project).data
    return {"concern": [str(c) for c in concerns.get("concerns") or {}],
            "purpose": [str(p) for p in concerns.get("purposes") or {}],
            "title_kind": [str(k) for k in concerns.get("title_kinds") or {}], "unit_family": ["A", "B", "E"],
            "unit": [str(u) for u in routing.get("units") or {}], "region": [str(r) for r in routing.get("regions") or {}]}


def value_labels(project: Path, language: str) -> dict[str, dict[str, str]]:
    """What clients read for each listed value (concerns, purposes, titles of content/concerns.yml)."""
    data = YamlDocument.read(project / CONCERNS).data

    def named(table: dict, pick) -> dict[str, str]:
        return {str(k): str(pick(v) or k) for k, v in (table or {}).items() if isinstance(v, dict)}

    return {"concern": named(data.get("concerns"), lambda v: (v.get("name") or {}).get(language)),
            "purpose": named(data.get("purposes"), lambda v: v.get(language)),
            "title_kind": named(data.get("title_kinds"), lambda v: v.get(language))}


def unit_names(project: Path, language: str) -> dict[str, str]:
    return {str(u): str((n or {}).get(language) or u) for u, n in (_document(project).data.get("units") or {}).items()}


def rules(project: Path) -> list[RuleForm]:
    return [_form(raw) for raw in _document(project).data.get("rules") or [] if isinstance(raw, dict)]


def _as_list(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _form(raw: dict) -> RuleForm:
    when = raw.get("when") or {}
    return RuleForm(str(raw.get("id") or ""), str(raw.get("unit") or ""), str(raw.get("note") or ""),
                    {c: _as_list(when[c]) for c in CHOSEN if c in when},
                    {c: ", ".join(_as_list(when[c])) for c in TYPED if c in when})


def _index(doc: YamlDocument, rule_id: str) -> int:
    for index, raw in enumerate(doc.data.get("rules") or []):
        if isinstance(raw, dict) and raw.get("id") == rule_id:
            return index
    raise EditError("id", "no_such_rule")


def rule_form(project: Path, rule_id: str) -> RuleForm:
    doc = _document(project)
    return _form(doc.data["rules"][_index(doc, rule_id)])


def _typed(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _is_country(code: str) -> bool:
    """An ISO 3166 alpha-3 code, or one of the ICAO codes German documents use (XKX, XXA ...)."""
    import pycountry

    from bot.backend.routing import EXTRA_NATIONALITIES

    return bool(CODE.match(code)) and (code in EXTRA_NATIONALITIES or pycountry.countries.get(alpha_3=code) is not None)


def _value(items: list[str], was_list: bool):
    """One value stays a plain value (as staff write it), several become a [list]."""
    if len(items) == 1 and not was_list:
        return items[0]
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _when(project: Path, form: RuleForm, old: dict) -> CommentedMap:
    """The rule's conditions, checked field by field; the order of the old conditions kept."""
    allowed = choices(project)
    values: dict[str, list[str]] = {}
    for condition in CHOSEN:
        picked = form.chosen.get(condition) or []
        if any(value not in allowed[condition] for value in picked):
            raise EditError(f"cond_{condition}", "rule_unknown_choice")
        if picked:
            values[condition] = [v for v in allowed[condition] if v in picked]
    nationality = [item if item in allowed["region"] else item.upper() for item in _typed(form.typed.get("nationality", ""))]
    for item in nationality:
        if item not in allowed["region"] and not _is_country(item):
            raise EditError("cond_nationality", "rule_bad_nationality", value=item)
    surname = [s.upper() for s in _typed(form.typed.get("surname", ""))]
    for item in surname:
        if not LETTERS.match(item) or item[0] > item[-1]:
            raise EditError("cond_surname", "rule_bad_surname", value=item)
    values.update({k: v for k, v in (("nationality", nationality), ("surname", surname)) if v})
    if not values:
        raise EditError("conditions", "rule_needs_condition")
    order = [c for c in old if c in values] + [c for c in CONDITIONS if c in values and c not in old]
    when = CommentedMap((c, _value(values[c], isinstance(old.get(c), list))) for c in order)
    when.fa.set_flow_style()
    return when


def _check_head(project: Path, form: RuleForm) -> None:
    if not RULE_ID.match(form.id) or form.id in RESERVED:
        raise EditError("id", "rule_bad_id")
    if form.unit not in choices(project)["unit"]:
        raise EditError("unit", "rule_choose_unit")


def _fill(raw: CommentedMap, project: Path, form: RuleForm) -> None:
    note = " ".join(form.note.split())
    if note and "note" not in raw:
        raw.insert(1, "note", DoubleQuotedScalarString(note))  # id, note, unit, when: the file's own order
    elif note:
        raw["note"] = DoubleQuotedScalarString(note)
    elif "note" in raw:
        del raw["note"]
    raw["unit"] = form.unit
    raw["when"] = _when(project, form, dict(raw.get("when") or {}))


def set_rule(project: Path, rule_id: str, form: RuleForm) -> Edit:
    """Change one rule's unit, note and conditions (its id and place stay)."""
    doc = _document(project)
    raw = doc.data["rules"][_index(doc, rule_id)]
    form.id = rule_id
    _check_head(project, form)
    _fill(raw, project, form)
    return Edit(f"Routing rule '{rule_id}' (unit {form.unit})", {ROUTING: doc.text()})


def add_rule(project: Path, form: RuleForm, before: str) -> Edit:
    """A new rule placed before the rule ``before`` (or last when empty): the first match wins."""
    doc = _document(project)
    _check_head(project, form)
    if any(isinstance(r, dict) and r.get("id") == form.id for r in doc.data.get("rules") or []):
        raise EditError("id", "rule_id_taken")
    position = _index(doc, before) if before else len(doc.data["rules"])
    raw = CommentedMap([("id", form.id)])
    _fill(raw, project, form)
    doc.data["rules"].insert(position, raw)
    return Edit(f"New routing rule '{form.id}' (unit {form.unit})", {ROUTING: doc.text()})
