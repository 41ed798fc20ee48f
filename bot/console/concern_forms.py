"""The concern catalogue (content/concerns.yml) as forms: per concern its German and English
name, the department it goes to, and which fields it asks (required or optional).

Like bot/console/editing.py: each ``set_*`` returns a ``changes.Edit`` (the file's new text,
written back with comments and order kept); ``changes.apply`` runs the staff checks and saves.
The list of fields comes from the field registry the assistant itself uses
(``bot.catalogue.FIELD_IDS``; their labels from content/fields.yml or content/labels.yml).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedSeq

from bot.console.changes import Edit
from bot.console.editing import EditError
from bot.console.yamlfiles import NotFlowList, YamlDocument, set_flow_lists
from bot.fields import load_registry
from bot.staffcheck.project import LANGUAGES

CONCERNS = "content/concerns.yml"
UNIT_FAMILIES = ("A", "B", "E")
# How a concern asks a field: the three choices of the form.
REQUIRED, OPTIONAL, NOT_ASKED = "required", "optional", "no"


def field_ids() -> tuple[str, ...]:
    """Every field a concern may ask, from the registry the assistant uses (read at call time)."""
    from bot import catalogue

    return tuple(catalogue.FIELD_IDS)


def case_fields() -> frozenset[str]:
    """Fields every case needs (required in bot.models.CaseSubmission): always asked, never optional."""
    from bot.models import CaseSubmission

    needed = {name for name, spec in CaseSubmission.model_fields.items() if spec.is_required()}
    return frozenset(needed & set(field_ids()))


def field_labels(project: Path, language: str) -> dict[str, str]:
    """The fields' labels as clients read them (content/fields.yml if present, else content/labels.yml)."""
    labels: dict[str, str] = {}
    registry = project / "content" / "fields.yml"
    if registry.exists():
        for fid, entry in ((YamlDocument.read(registry).data or {}).get("fields") or {}).items():
            label = entry.get("label") if isinstance(entry, dict) else None
            if isinstance(label, dict) and label.get(language):
                labels[str(fid)] = str(label[language])
    names = (YamlDocument.read(project / "content" / "labels.yml").data or {}).get("fields") or {}
    for fid in field_ids():
        entry = names.get(fid)
        if fid not in labels and isinstance(entry, dict) and entry.get(language):
            labels[fid] = str(entry[language])
    return {fid: labels.get(fid, fid) for fid in field_ids()}


@dataclass
class ConcernForm:
    id: str
    intent: str
    names: dict[str, str]
    unit_family: str
    asks: dict[str, str]  # field id -> required | optional | no, in the order asked (then the rest)
    purposes: list[str]


def _document(project: Path) -> YamlDocument:
    return YamlDocument.read(project / CONCERNS)


def concern_ids(project: Path) -> list[str]:
    return [str(c) for c in (_document(project).data.get("concerns") or {})]


def _entry(doc: YamlDocument, concern: str):
    entry = (doc.data.get("concerns") or {}).get(concern)
    if not isinstance(entry, dict):
        raise EditError("concern", "no_such_concern")
    return entry


def concern_form(project: Path, concern: str) -> ConcernForm:
    entry = _entry(_document(project), concern)
    asked = [str(f) for f in entry.get("fields") or []]
    optional = {str(f) for f in entry.get("optional") or []}
    asks = {fid: OPTIONAL if fid in optional else REQUIRED for fid in asked}
    asks.update({fid: NOT_ASKED for fid in field_ids() if fid not in asks})
    name = entry.get("name") or {}
    return ConcernForm(concern, str(entry.get("intent") or ""), {l: str(name.get(l) or "") for l in LANGUAGES},
                       str(entry.get("unit_family") or ""), asks, [str(p) for p in entry.get("purposes") or []])


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def set_concern(project: Path, concern: str, names: dict[str, str], unit_family: str, asks: dict[str, str]) -> Edit:
    """Names, department and asked fields of one concern; refused with the field to fix."""
    original = _document(project)
    entry = _entry(original, concern)
    clean = {language: " ".join(names.get(language, "").split()) for language in LANGUAGES}
    for language in LANGUAGES:
        if not clean[language]:
            raise EditError(f"name_{language}", "concern_name_empty")
        if len(clean[language]) > 120:
            raise EditError(f"name_{language}", "concern_name_too_long")
    if unit_family not in UNIT_FAMILIES:
        raise EditError("unit_family", "concern_choose_unit_family")
    known = field_ids()
    for fid, choice in asks.items():
        if fid not in known or choice not in (REQUIRED, OPTIONAL, NOT_ASKED):
            raise EditError("fields", "concern_unknown_field")
    for fid in sorted(case_fields()):
        if asks.get(fid) != REQUIRED:
            raise EditError(f"field_{fid}", "concern_field_needed", field=fid)
    for fid in (spec.id for spec in load_registry().fields if spec.kind == "purpose"):  # chosen from the purposes
        if asks.get(fid, NOT_ASKED) != NOT_ASKED and not entry.get("purposes"):
            raise EditError(f"field_{fid}", "concern_purpose_without_purposes")
    before = [str(f) for f in entry.get("fields") or []]
    order = [f for f in before if f in asks] + [f for f in known if f not in before]  # new fields are asked last
    fields = [f for f in order if asks.get(f, NOT_ASKED) != NOT_ASKED]
    optional = [f for f in fields if asks[f] == OPTIONAL]
    # The lists are rewritten in the file's own hand-wrapped layout; then the names with ruamel.
    lists = {"fields": fields, "optional": optional or None}
    unchanged = {"fields": before, "optional": [str(f) for f in entry.get("optional") or []] or None}
    changed = {k: v for k, v in lists.items() if v != unchanged[k]}
    try:
        doc = YamlDocument(set_flow_lists(original.original, entry, changed, after={"optional": "fields"}))
        entry = _entry(doc, concern)
    except NotFlowList:  # written as "- item" lines by hand: ruamel rewrites the lists
        doc = original
        for key, items in changed.items():
            if items is None:
                del entry[key]
            else:
                entry[key] = _flow(items)
    for language in LANGUAGES:
        entry["name"][language] = clean[language]
    entry["unit_family"] = unit_family
    return Edit(f"Concern '{concern}' (names, department, fields)", {CONCERNS: doc.text()})
