"""No field is defined in more than one place (issue 14): the guard.

content/fields.yml is the field registry; bot/fields.py reads it and actions/field_registry.py
adds the parser of each kind. Every other module asks them: which fields refuse a document's
name, when a field is asked (`ask_when`, `asked_after`), the name question, the case page's
rows. A literal set, list or tuple naming two or more field ids in any other module under
actions/ or bot/ is a second definition of those fields, and this test names it.

The title kinds are defined once too: in content/concerns.yml (``title_kinds``);
bot.models.TitleKind is built from them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.catalogue import load_catalogue
from bot.fields import KINDS, load_registry
from bot.models import TitleKind

ROOT = Path(__file__).resolve().parents[2]
# Modules allowed to hold field ids together, each with its reason.
ALLOWED = {
    "bot/fields.py": "the registry's reader (a kind's case type 'title_kind' shares a field's name)",
    "actions/field_registry.py": "the parsers of the kinds (a full name fills given and family name)",
    # Routing conditions are the vocabulary of content/routing.yml (concern, purpose, title_kind,
    # nationality, surname, unit_family): each has its own rule code; some share a field's name.
    "bot/backend/routing.py": "the routing conditions of content/routing.yml",
    "bot/console/routing_forms.py": "the routing conditions of content/routing.yml, as a form",
}
FIELD_IDS = frozenset(s for spec in load_registry().fields for s in spec.slots)


def _modules() -> list[Path]:
    return sorted(p for top in ("actions", "bot") for p in (ROOT / top).rglob("*.py") if "__pycache__" not in p.parts)


def field_id_collections(source: str) -> list[tuple[int, list[str]]]:
    """(line, ids) of every literal set, list or tuple naming two or more field ids."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            ids = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in FIELD_IDS]
            if len(ids) >= 2:
                found.append((node.lineno, ids))
    return found


def test_no_module_lists_fields_by_hand():
    found = []
    for path in _modules():
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED:
            continue
        found += [f"{name}:{line}: {', '.join(ids)}" for line, ids in field_id_collections(path.read_text(encoding="utf-8"))]
    assert not found, ("fields named together outside the registry (derive them from content/fields.yml through "
                       "bot.fields or actions.field_registry, e.g. by kind, ask_when or asked_after):\n  "
                       + "\n  ".join(found))


def test_the_allowed_modules_exist():
    assert all((ROOT / name).is_file() for name in ALLOWED), "a module of ALLOWED moved: update the list"


@pytest.mark.parametrize("source, expected", [
    ('FREE = {"given_names", "family_name"}', [(1, ["given_names", "family_name"])]),
    ('if f in ("title_serial", "existing_case_number"): pass', [(1, ["title_serial", "existing_case_number"])]),
    ('ORDER = ["email", "phone", "x"]', [(1, ["email", "phone"])]),
    ('frozenset(["address", "postal_code"])', [(1, ["address", "postal_code"])]),
    ('ONE = ("email",)\nSTEPS = ("concern", "confirmed")\nWORDS = {"email": 1, "phone": 2}', []),
])
def test_the_guard_finds_literal_collections_of_field_ids(source, expected):
    assert field_id_collections(source) == expected


def test_title_kinds_are_the_catalogue_s():
    assert [k.value for k in TitleKind] == list(load_catalogue().title_kinds)
    assert TitleKind("none") is TitleKind.none and isinstance(TitleKind.blue_card, str)


def test_every_kind_says_whether_a_document_name_is_an_answer():
    refusing = {name for name, kind in KINDS.items() if kind.refuses_document_names}
    assert refusing == {"full_name", "name", "place", "nationality"}
    assert all(KINDS[kind].free_text for kind in refusing)
