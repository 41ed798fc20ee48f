"""No field is defined in more than one place (issue 14): the guard.

content/fields.yml is the field registry; bot/fields.py reads it and actions/field_registry.py
adds the parser of each kind. Every other module asks them: which fields refuse a document's
name, when a field is asked (`ask_when`, `asked_after`), the name question, the case page's
rows. A literal set, list or tuple naming two or more field ids in any other module under
actions/ or bot/ is a second definition of those fields, and this test names it.

A single field id spelled in a module, a console template or the widget is allowed only where
NAMED / NAMED_IN_PAGES list it with its reason (a rule about that very field: the Fiktionswirkung's
title and expiry, one open case per person, the routing conditions); any other fails. The unit's
list of cases and the public verification page name none: their columns and rows are the fields
with `inbox:` and `verification:` in content/fields.yml.

The title kinds are defined once too: in content/concerns.yml (``title_kinds``);
bot.models.TitleKind is built from them.
"""

from __future__ import annotations

import ast
import re
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
    assert all((ROOT / name).exists() for name in NAMED), "a module of NAMED moved: update the list"


# --- one field id spelled by hand --------------------------------------------------------------
# Beyond lists: a module that spells out one field's id ("nationality", case.title_expiry,
# family_name=...) uses that very field, not any field. Each such use is listed here with its
# reason; a field id spelled anywhere else in actions/, bot/ or scripts/ fails, so a new use
# either derives from the registry (kind, ask_when, asked_after, case, confirmation) or is
# added here on purpose. Not scanned: bot/fields.py and actions/field_registry.py (the
# registry and its kinds' parsers) and the migrations (history: a new case column needs a
# migration, which the staff check `fields` names). The case's message (ENTRY_COLUMN) is a
# part of every case, kept with each submission, and the word of every HTTP or log message.
KINDS_TOO = "kinds of content/fields.yml (bot.fields.KINDS) or case types, which share a field's name"
NAMED: dict[str, tuple[frozenset[str], str]] = {
    "actions/enquiry_form.py": (frozenset({"title_expiry", "title_kind", "pickup_by_proxy", "date_of_birth",
                                           "purpose", "email", "address", "phone"}),
                                "the notes the client hears once (an expired title, a Schengen visa, pick-up "
                                "by proxy only from 16: seeds); " + KINDS_TOO),
    "actions/extraction.py": (frozenset({"given_names", "date_of_birth", "place_of_birth", "nationality", "title_expiry",
                                         "email", "phone", "address", "purpose", "title_kind"}),
                              "facts a client volunteers, each read by its own wording ('born in', 'expires')"),
    "actions/fields.py": (frozenset({"date_of_birth", "title_expiry", "address", "postal_code"}),
                          "the parsers of those facts, with their limits from the registry; an address's parts"),
    # The conversation model's own words (a folder: its modules change often): the question
    # frame's details 'nationality' and 'purpose' (what a client asks about), the knowledge
    # sentence 'phone' (the office's numbers). They share a field's name, not its definition.
    "actions/dialogue/": (frozenset({"nationality", "purpose", "phone"}),
                          "the question frame's details and the knowledge's sentences"),
    "actions/conversation.py": (frozenset({"phone"}), "the knowledge's sentence 'phone' (the office's numbers)"),
    "bot/models.py": (frozenset({"email", "title_kind"}), KINDS_TOO),
    "bot/backend/models.py": (frozenset({"email", "title_kind"}), KINDS_TOO),
    "bot/backend/cases.py": (frozenset({"given_names", "family_name", "date_of_birth", "nationality", "purpose", "title_kind", "principal_case_number", "email"}),
                             "one open case per person (name, birth date, nationality), the routing facts, "
                             "the principal's unit, the document held decides the concern; " + KINDS_TOO),
    "bot/backend/confirmations.py": (frozenset({"title_kind", "title_expiry", "principal_case_number"}),
                                     "the Fiktionswirkung's facts (§ 81 AufenthG), the neutral unit name"),
    "bot/confirmation/pdf.py": (frozenset({"title_kind", "title_expiry"}), "the Fiktionswirkung statement's facts"),
    "bot/confirmation/bench.py": (frozenset({"given_names", "family_name", "date_of_birth", "nationality",
                                             "title_kind", "title_expiry"}), "a fictitious person for the benchmark"),
    "bot/backend/routing.py": (frozenset({"purpose", "title_kind", "nationality"}), "the routing conditions"),
    "bot/console/concern_forms.py": (frozenset({"purpose"}), KINDS_TOO),
    "bot/console/routing_forms.py": (frozenset({"purpose", "title_kind", "nationality"}), "the routing conditions"),
}
# Templates and scripts of the web pages: the case page and the unit's list of cases render the
# registry's rows and columns (`inbox:`); these name a field on purpose (the routing conditions).
NAMED_IN_PAGES: dict[str, tuple[frozenset[str], str]] = {
    "bot/console/templates/_conditions.html": (frozenset({"purpose", "title_kind", "nationality"}),
                                               "the routing conditions"),
    "bot/console/templates/edit_rule.html": (frozenset({"nationality"}), "the routing condition 'nationality'"),
}


def _field_names() -> frozenset[str]:
    from bot.backend.models import ENTRY_COLUMN

    return FIELD_IDS - {ENTRY_COLUMN}


def field_ids_named(source: str, names: frozenset[str]) -> set[str]:
    """Field ids spelled in Python source: a string, an attribute, a keyword or an annotated name."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
            found.add(node.value)
        elif isinstance(node, ast.Attribute) and node.attr in names:
            found.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg in names:
            found.add(node.arg)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id in names:
            found.add(node.target.id)
    return found


def _scanned() -> list[Path]:
    skipped = {"bot/fields.py", "actions/field_registry.py"}
    return sorted(p for top in ("actions", "bot", "scripts") for p in (ROOT / top).rglob("*.py")
                  if "__pycache__" not in p.parts and "migrations" not in p.parts
                  and p.relative_to(ROOT).as_posix() not in skipped)


def _allowed(module: str) -> frozenset[str]:
    """The field ids NAMED allows in a module (listed itself, or its folder)."""
    return frozenset().union(*(ids for where, (ids, _) in NAMED.items()
                               if module == where or (where.endswith("/") and module.startswith(where))))


def test_no_module_names_a_field_by_hand():
    names, found = _field_names(), []
    for path in _scanned():
        name = path.relative_to(ROOT).as_posix()
        extra = field_ids_named(path.read_text(encoding="utf-8"), names) - _allowed(name)
        found += [f"{name}: {', '.join(sorted(extra))}"] if extra else []
    assert not found, ("a field named by hand (derive it from content/fields.yml through bot.fields or "
                       "actions.field_registry, or list the module in NAMED with its reason):\n  " + "\n  ".join(found))


def test_no_page_names_a_field_by_hand():
    names, found = _field_names() | {"postal_code"}, []
    pages = [p for top in ("bot", "deploy") for pattern in ("*.html", "*.js") for p in (ROOT / top).rglob(pattern)]
    for path in sorted(pages):
        name = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        extra = _named_in_page(text, names) - NAMED_IN_PAGES.get(name, (frozenset(), ""))[0]
        found += [f"{name}: {', '.join(sorted(extra))}"] if extra else []
    assert not found, "a page names a field by hand (render the registry's rows instead):\n  " + "\n  ".join(found)


def _named_in_page(text: str, names: frozenset[str]) -> set[str]:
    return {i for i in names if re.search(rf"\b{i}\b", text)}


def test_the_named_uses_are_still_there():
    """An allowance no longer used is removed, so the lists stay the true account."""
    names, stale = _field_names(), []
    for module, (ids, _) in NAMED.items():
        if module.endswith("/"):
            continue  # a folder's words: its modules change often
        if unused := ids - field_ids_named((ROOT / module).read_text(encoding="utf-8"), names):
            stale.append(f"{module}: {', '.join(sorted(unused))}")
    for page, (ids, _) in NAMED_IN_PAGES.items():
        if unused := ids - _named_in_page((ROOT / page).read_text(encoding="utf-8"), ids):
            stale.append(f"{page}: {', '.join(sorted(unused))}")
    assert not stale, "allowed but no longer named (remove from NAMED / NAMED_IN_PAGES):\n  " + "\n  ".join(stale)


@pytest.mark.parametrize("source, expected", [
    ('x = case.nationality', {"nationality"}),
    ('f(given_names="Amira")', {"given_names"}),
    ('if kind == "title_serial": pass', {"title_serial"}),
    ('class C:\n    phone: str', {"phone"}),
    ('x = "concern"; y = case.unit; z = {"message": 1}', set()),
])
def test_the_guard_finds_a_field_named_by_hand(source, expected):
    assert field_ids_named(source, _field_names()) == expected


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
