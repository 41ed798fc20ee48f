"""The fields of the enquiry (content/fields.yml): one entry per field, the single source.

Each entry says how the answer is read (its ``kind``; the parser of each kind lives in
actions/field_registry.py), its validation limits, the question and the summary label in
German and English, the words clients use to name it, and how it reaches the backend
(``case``: a column of the case, or ``note``: a line of the case's message).

Everything else derives from it: the concern catalogue's field ids (bot.catalogue), the
parts of the Rasa domain a field needs (slot, ask action, question; generated into
domain/fields.yml by ``python -m bot.fields --write``, which training runs), the summary
and PDF labels, the case model (bot.models.CaseSubmission) and the staff checks.

Usage: ``python -m bot.fields --write`` (regenerate domain/fields.yml) or ``--check``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import CONTENT_DIR, PROJECT_ROOT

FIELDS_FILE = "content/fields.yml"
DOMAIN_FILE = "domain/fields.yml"
LANGUAGES = ("de", "en")


class FieldsError(ValueError):
    """content/fields.yml is malformed; the message names the field and how to fix it."""


@dataclass(frozen=True)
class Kind:
    """What every field of one kind shares (its parser is in actions/field_registry.py)."""

    structured: bool = False     # fixed shape (e-mail, date ...): a valid one is never a leave-intent
    free_text: bool = False      # takes almost any text: a question typed there is a question
    # the client's own words about their person (name, place, nationality): a document's or a
    # matter's name typed there is no answer (actions/dialogue/understand.py refuses it)
    refuses_document_names: bool = False
    invalid: str | None = None   # response group of invalid answers (default: the field's id)
    person_name: bool = False    # the person's name: printed bold on the confirmation of receipt
    extra_slots: tuple[str, ...] = ()  # slots filled with the field (the address's postal code)
    validation: frozenset[str] = frozenset()  # the `validation:` keys this kind reads


KINDS: dict[str, Kind] = {
    "text": Kind(validation=frozenset({"min_length", "max_length"})),
    "full_name": Kind(free_text=True, refuses_document_names=True, invalid="name", person_name=True,
                      validation=frozenset({"max_words"})),
    "name": Kind(free_text=True, refuses_document_names=True, invalid="name", person_name=True,
                 validation=frozenset({"max_words"})),
    "place": Kind(free_text=True, refuses_document_names=True, invalid="place"),
    "nationality": Kind(free_text=True, refuses_document_names=True),
    "purpose": Kind(free_text=True),
    "title_kind": Kind(free_text=True),
    "date": Kind(structured=True, invalid="date",
                 validation=frozenset({"years_back", "years_ahead", "not_in_future", "year_missing"})),
    "email": Kind(structured=True),
    "phone": Kind(structured=True),
    "address": Kind(structured=True, extra_slots=("postal_code",)),
    "case_number": Kind(structured=True, invalid="case_number"),
    "title_serial": Kind(structured=True),
    "yes_no": Kind(invalid="yes_no"),
}
# When a field is asked (`ask_when:` in content/fields.yml): the conditions the form knows,
# each evaluated by actions/field_registry.py (ASK_WHEN) on the answers given so far.
ASK_CONDITIONS: dict[str, str] = {
    "concern_has_purposes": "the concern offers purposes to choose from (content/concerns.yml 'purposes')",
    "title_may_expire": "the title held expires (content/concerns.yml title_kinds 'expires: true'), "
                        "or is not known yet or was skipped",
    "title_held": "the client holds a document (the title kind is not 'none' and has been answered or skipped)",
    "family_purpose": "the purpose chosen is a family one (content/concerns.yml purposes 'family: true')",
}
# How a case column is typed on the wire (bot.models.CaseSubmission).
CASE_TYPES = ("text", "date", "email", "country", "title_kind")
# Columns filled by a kind's extra slots (the postal code comes with the address).
EXTRA_CASE_COLUMNS = {"postal_code": {"max_length": 10}}


@dataclass(frozen=True)
class CaseColumn:
    """How a field reaches the backend: its column, or a note line in the case's message."""

    column: str | None = None   # None: sent as a note "[<id>: <value>]" in the message
    type: str = "text"
    required: bool = False
    max_length: int | None = None

    @property
    def names_a_title(self) -> bool:
        """Its values are title kinds of content/concerns.yml (`title_kinds`), shown by their names."""
        return self.type == "title_kind"


@dataclass(frozen=True)
class FieldSpec:
    id: str
    kind: str
    label: dict[str, str]
    ask: dict[str, str]
    words: tuple[str, ...] = ()
    invalid: str | None = None
    invalid_text: dict[str, str] | None = None  # generated as utter_invalid_<id>
    validation: dict[str, Any] = field(default_factory=dict)
    case: CaseColumn = CaseColumn()
    ask_when: tuple[str, ...] = ()     # conditions (ASK_CONDITIONS) that must all hold for it to be asked
    asked_after: str | None = None     # asked right after that field wherever it is asked
    confirmation: int | None = None    # its row among the particulars of the confirmation PDF; None: not printed
    inbox: int | None = None           # its column in the unit's list of cases (staff API, console); None: not listed
    verification: int | None = None    # its row on the public verification page; None: not shown (the default)

    @property
    def invalid_group(self) -> str:
        """Response group of an invalid answer: utter_invalid_<group>[_<code>]."""
        if self.invalid_text:
            return self.id
        return self.invalid or KINDS[self.kind].invalid or self.id

    @property
    def slots(self) -> tuple[str, ...]:
        return (self.id, *KINDS[self.kind].extra_slots)


@dataclass(frozen=True)
class Registry:
    fields: tuple[FieldSpec, ...]
    whole_name_words: tuple[str, ...] = ()  # words naming the whole name ("Name"): given and family name

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    def get(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def label(self, field_id: str, language: str) -> str | None:
        spec = self.get(field_id)
        return (spec.label.get(language) or spec.label["de"]) if spec else None

    def refusing_document_names(self) -> tuple[str, ...]:
        """Fields about the client's person: a document's or matter's name is no answer there."""
        return tuple(f.id for f in self.fields if KINDS[f.kind].refuses_document_names)

    def followers(self, field_id: str) -> tuple[str, ...]:
        """The fields asked right after this one wherever it is asked (``asked_after``)."""
        return tuple(f.id for f in self.fields if f.asked_after == field_id)

    def on_confirmation(self) -> tuple[FieldSpec, ...]:
        """The fields printed among the particulars of the confirmation of receipt, in their order."""
        return tuple(sorted((f for f in self.fields if f.confirmation is not None), key=lambda f: f.confirmation))

    def in_inbox(self) -> tuple[FieldSpec, ...]:
        """The fields listed as columns of the unit's list of cases, in their order."""
        return tuple(sorted((f for f in self.fields if f.inbox is not None), key=lambda f: f.inbox))

    def on_verification(self) -> tuple[FieldSpec, ...]:
        """The fields the public verification page shows to anyone holding the code, in their order."""
        return tuple(sorted((f for f in self.fields if f.verification is not None), key=lambda f: f.verification))

    def case_columns(self) -> dict[str, CaseColumn]:
        """Case column -> how it is typed, in field order, with the kinds' extra columns."""
        columns: dict[str, CaseColumn] = {}
        for spec in self.fields:
            if spec.case.column:
                columns[spec.case.column] = spec.case
            for extra in KINDS[spec.kind].extra_slots:
                columns[extra] = CaseColumn(extra, **EXTRA_CASE_COLUMNS.get(extra, {}))
        return columns


def _pair(where: str, raw: Any, key: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(lang), str) and raw[lang].strip() for lang in LANGUAGES):
        raise FieldsError(f"{where}: '{key}' needs a German (de) and an English (en) text")
    return {lang: raw[lang] for lang in LANGUAGES}


def _case(where: str, raw: Any) -> CaseColumn:
    if raw == "note":
        return CaseColumn()
    if not isinstance(raw, dict) or not raw.get("column"):
        raise FieldsError(f"{where}: 'case' must be 'note' (sent as a line of the message) "
                          "or {column: <case column>, ...}")
    unknown = set(raw) - {"column", "type", "required", "max_length"}
    if unknown:
        raise FieldsError(f"{where}: 'case' has unknown key(s) {', '.join(sorted(unknown))}; "
                          "known: column, type, required, max_length")
    if raw.get("type", "text") not in CASE_TYPES:
        raise FieldsError(f"{where}: case type '{raw['type']}' is unknown; known: {', '.join(CASE_TYPES)}")
    return CaseColumn(str(raw["column"]), raw.get("type", "text"), bool(raw.get("required", False)),
                      raw.get("max_length"))


def _spec(field_id: str, raw: Any) -> FieldSpec:
    where = f"{FIELDS_FILE}, field '{field_id}'"
    if not isinstance(raw, dict):
        raise FieldsError(f"{where}: expected kind, label, ask, words and case")
    for key in ("kind", "label", "ask", "case"):
        if key not in raw:
            raise FieldsError(f"{where}: '{key}' is missing")
    if unknown := set(raw) - {"kind", "label", "ask", "case", "words", "invalid", "invalid_text", "validation",
                              "ask_when", "asked_after", "confirmation", "inbox", "verification"}:
        raise FieldsError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: kind, validation, "
                          "invalid, invalid_text, label, ask, words, case, ask_when, asked_after, confirmation, "
                          "inbox, verification")
    kind = raw["kind"]
    if kind not in KINDS:
        raise FieldsError(f"{where}: kind '{kind}' is unknown; known kinds: {', '.join(KINDS)} "
                          "(a new kind needs its parser in actions/field_registry.py)")
    validation = dict(raw.get("validation") or {})
    if unread := set(validation) - KINDS[kind].validation:
        raise FieldsError(f"{where}: kind '{kind}' does not read validation {', '.join(sorted(unread))}"
                          + (f"; it reads {', '.join(sorted(KINDS[kind].validation))}" if KINDS[kind].validation else ""))
    words = raw.get("words") or []
    if not isinstance(words, list):
        raise FieldsError(f"{where}: 'words' must be a list of words, e.g. [e-mail, email]")
    ask_when = raw.get("ask_when") or []
    ask_when = [ask_when] if isinstance(ask_when, str) else ask_when
    if not isinstance(ask_when, list) or (unknown := [str(c) for c in ask_when if c not in ASK_CONDITIONS]):
        raise FieldsError(f"{where}: 'ask_when' names unknown condition(s) "
                          f"{', '.join(unknown) if isinstance(ask_when, list) else ask_when}; known: "
                          + "; ".join(f"{name}: {meaning}" for name, meaning in ASK_CONDITIONS.items()))
    after = raw.get("asked_after")
    if after is not None and (not isinstance(after, str) or after == field_id):
        raise FieldsError(f"{where}: 'asked_after' must name another field of content/fields.yml")
    case = _case(where, raw["case"])
    places = {"confirmation": "its row on the confirmation of receipt", "inbox": "its column in the unit's list of cases",
              "verification": "its row on the public verification page"}
    for key, place in places.items():
        number = raw.get(key)
        if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
            raise FieldsError(f"{where}: '{key}' must be {place} (1, 2, ...)")
        if number is not None and not case.column:
            raise FieldsError(f"{where}: '{key}' needs a case column (a field sent as `case: note` is not "
                              f"stored on its own, so {place} cannot show it)")
    return FieldSpec(id=field_id, kind=kind, label=_pair(where, raw["label"], "label"),
                     ask=_pair(where, raw["ask"], "ask"), words=tuple(str(w) for w in words),
                     invalid=raw.get("invalid"), validation=validation, case=case,
                     invalid_text=_pair(where, raw["invalid_text"], "invalid_text") if "invalid_text" in raw else None,
                     ask_when=tuple(ask_when), asked_after=after, confirmation=raw.get("confirmation"),
                     inbox=raw.get("inbox"), verification=raw.get("verification"))


def parse_registry(data: Any) -> Registry:
    """Build and check the registry from the parsed YAML of content/fields.yml."""
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict) or not data["fields"]:
        raise FieldsError(f"{FIELDS_FILE}: expected a 'fields:' section with one entry per field")
    fields = tuple(_spec(str(fid), raw) for fid, raw in data["fields"].items())
    slots = [s for f in fields for s in f.slots]
    if reserved := {"concern", "confirmed"} & set(slots):
        raise FieldsError(f"{FIELDS_FILE}: '{', '.join(sorted(reserved))}' is a step of the form, not a field")
    if doubled := {s for s in slots if slots.count(s) > 1}:
        raise FieldsError(f"{FIELDS_FILE}: slot(s) {', '.join(sorted(doubled))} filled by two fields")
    ids = [f.id for f in fields]
    for spec in fields:
        if spec.asked_after and spec.asked_after not in ids:
            raise FieldsError(f"{FIELDS_FILE}, field '{spec.id}': asked_after '{spec.asked_after}' is no field; "
                              f"known: {', '.join(ids)}")
        if spec.asked_after and (leader := next(f for f in fields if f.id == spec.asked_after)).asked_after:
            raise FieldsError(f"{FIELDS_FILE}, field '{spec.id}': asked_after '{leader.id}', which is itself "
                              f"asked after '{leader.asked_after}'; name the first field of the chain")
    columns = [f.case.column for f in fields if f.case.column]
    if doubled := {c for c in columns if columns.count(c) > 1}:
        raise FieldsError(f"{FIELDS_FILE}: case column(s) {', '.join(sorted(doubled))} named by two fields")
    return Registry(fields, tuple(str(w) for w in data.get("whole_name_words") or ()))


def read_registry(root: Path = PROJECT_ROOT) -> Registry:
    """The registry of the project at ``root`` (a staff console copy, a test's copy)."""
    path = root / FIELDS_FILE
    return parse_registry(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache
def load_registry(path: Path = CONTENT_DIR / "fields.yml") -> Registry:
    """This checkout's registry, read and checked once."""
    return parse_registry(yaml.safe_load(path.read_text(encoding="utf-8")))


# --- the Rasa domain a field needs --------------------------------------------------

HEADER = (
    "# GENERATED from content/fields.yml by `python -m bot.fields --write` (training and\n"
    "# `make validate` run it). Do not edit: change the field in content/fields.yml.\n"
)


def domain_parts(registry: Registry) -> dict[str, Any]:
    """Slots, ask actions and questions of every field, as Rasa reads them."""
    def variations(texts: dict[str, str]) -> list[dict[str, Any]]:
        return [{"condition": [{"type": "slot", "name": "language", "value": lang}], "text": texts[lang]}
                for lang in LANGUAGES]

    responses = {}
    for spec in registry.fields:
        responses[f"utter_ask_{spec.id}"] = variations(spec.ask)
        if spec.invalid_text:
            responses[f"utter_invalid_{spec.id}"] = variations(spec.invalid_text)
    return {
        "version": "3.1",
        "slots": {name: {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]}
                  for spec in registry.fields for name in spec.slots},
        "actions": [f"action_ask_{spec.id}" for spec in registry.fields],
        "responses": responses,
    }


def domain_text(registry: Registry) -> str:
    return HEADER + yaml.safe_dump(domain_parts(registry), allow_unicode=True, sort_keys=False, width=100)


def write_domain(root: Path = PROJECT_ROOT) -> bool:
    """Regenerate <root>/domain/fields.yml; True when it changed (a project without
    content/fields.yml keeps its domain as it is)."""
    if not (root / FIELDS_FILE).exists():
        return False
    text = domain_text(read_registry(root))
    target = root / DOMAIN_FILE
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    return True


def domain_drift(root: Path = PROJECT_ROOT) -> list[tuple[str, str]]:
    """(field, part) of content/fields.yml that the generated domain/fields.yml lacks or has
    differently ("its slot 'x'", "its question 'utter_ask_x'"); "(all)" when edited by hand."""
    registry = read_registry(root)
    expected = domain_parts(registry)
    path = root / DOMAIN_FILE
    actual = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
    slots, actions, responses = actual.get("slots") or {}, actual.get("actions") or [], actual.get("responses") or {}
    found = []
    for spec in registry.fields:
        found += [(spec.id, f"its slot '{name}'") for name in spec.slots if name not in slots]
        if f"action_ask_{spec.id}" not in actions:
            found.append((spec.id, f"its ask action 'action_ask_{spec.id}'"))
        for response in (f"utter_ask_{spec.id}", f"utter_invalid_{spec.id}"):
            if response in expected["responses"] and responses.get(response) != expected["responses"][response]:
                found.append((spec.id, f"its response '{response}'"))
    known = {s for spec in registry.fields for s in spec.slots}
    found += [(name, f"the slot '{name}' of a field that no longer exists") for name in set(slots) - known]
    if not found and path.read_text(encoding="utf-8") != domain_text(registry):
        found.append(("(all)", "the generated text (edited by hand)"))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate domain/fields.yml from content/fields.yml.")
    parser.add_argument("--check", action="store_true", help="only report drift; exit 1 when out of date")
    parser.add_argument("--write", action="store_true", help="regenerate domain/fields.yml (the default)")
    parser.add_argument("--project", type=Path, default=PROJECT_ROOT)
    args = parser.parse_args(argv)
    try:
        if args.check:
            drift = domain_drift(args.project)
            for field_id, part in drift:
                print(f"{DOMAIN_FILE}: field '{field_id}': {part} is missing or differs from {FIELDS_FILE} "
                      "-> run `python -m bot.fields --write`")
            return 1 if drift else 0
        changed = write_domain(args.project)
    except FieldsError as error:
        print(f"fields: {error}", file=sys.stderr)
        return 1
    print(f"fields: {DOMAIN_FILE} {'regenerated' if changed else 'up to date'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
