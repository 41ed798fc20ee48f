"""The fields of the enquiry as the form uses them: content/fields.yml plus a parser per kind.

Every field is one entry of content/fields.yml (bot.fields): its kind, validation,
question, label, words and case column. This module adds what only code can say, once
per *kind*: how an answer of that kind is read, how it fills slots and how its value is
shown. The form (actions/enquiry_form.py), the summary, the submission and the
corrections derive from ``FIELDS``; a new field of a known kind needs no code at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from actions import fields as f
from actions.common import SKIPPED, label
from bot.catalogue import Concern, load_catalogue
from bot.fields import ASK_CONDITIONS, KINDS, FieldSpec, load_registry
from bot.knowledge import format_date

Parser = Callable[[str, dict[str, Any], "Concern | None"], f.Parsed]


def _earlier_year(field: str, parse: Callable[[str, int | None], f.Parsed]) -> Parser:
    """A date parser that takes the year of the value given before ("no, the 4th")."""
    def parser(text: str, known: dict[str, Any], concern: Concern | None) -> f.Parsed:
        previous = known.get(field)
        try:
            year = date.fromisoformat(str(previous)).year if previous else None
        except ValueError:
            year = None
        return parse(text, year)
    return parser


def _text(parse: Callable[[str], f.Parsed]) -> Parser:
    return lambda text, known, concern: parse(text)


def _show_date(value: Any, language: str) -> str:
    return format_date(date.fromisoformat(value), language)


# Per kind: (parser for a field spec, slot values of a parsed value, display of a slot value).
PARSERS: dict[str, Callable[[FieldSpec], Parser]] = {
    "text": lambda spec: _text(lambda text: f.parse_text(text, **spec.validation)),
    "full_name": lambda spec: _text(lambda text: f.parse_full_name(text, **spec.validation)),
    "name": lambda spec: _text(lambda text: f.clean_name(text, **spec.validation)),
    "place": lambda spec: _text(f.parse_place),
    "nationality": lambda spec: _text(f.parse_nationality),
    "purpose": lambda spec: lambda text, known, concern: f.parse_purpose(text, concern.purposes if concern else ()),
    "title_kind": lambda spec: _text(f.parse_title_kind),
    "date": lambda spec: _earlier_year(spec.id, lambda text, year: f.parse_date_within(text, year, **spec.validation)),
    "email": lambda spec: _text(f.parse_email),
    "phone": lambda spec: _text(f.parse_phone),
    "address": lambda spec: _text(f.parse_address),
    "case_number": lambda spec: _text(f.parse_case_number),
    "title_serial": lambda spec: _text(f.parse_title_serial),
    "yes_no": lambda spec: _text(f.parse_yes_no),
}
SLOT_VALUES: dict[str, Callable[[str, Any], dict[str, Any]]] = {
    # "Max Mustermann" fills given and family name at once.
    "full_name": lambda field, value: {"given_names": value[0], **({"family_name": value[1]} if value[1] else {})},
    "address": lambda field, value: {"address": value["address"], "postal_code": value["postal_code"]},
    "yes_no": lambda field, value: {field: "yes" if value else "no"},
}
SHOW: dict[str, Callable[[Any, str], str]] = {
    "date": _show_date,
    "nationality": lambda v, lang: f.country_name(v, lang),
    "title_kind": lambda v, lang: load_catalogue().title_label(v, lang),
    "purpose": lambda v, lang: load_catalogue().purpose_label(v, lang),
    "yes_no": lambda v, lang: label("values", "yes" if v == "yes" else "no", lang),
}
if set(PARSERS) != set(KINDS):
    raise RuntimeError(f"actions/field_registry.py and bot.fields.KINDS disagree: {set(PARSERS) ^ set(KINDS)}")


def _title_may_expire(slots: dict[str, Any], concern: Concern) -> bool:
    kind = slots.get("title_kind")
    return not kind or kind == SKIPPED or load_catalogue().title_expires(kind)


# Per `ask_when:` condition (bot.fields.ASK_CONDITIONS): whether it holds for the answers so far.
ASK_WHEN: dict[str, Callable[[dict[str, Any], Concern], bool]] = {
    "concern_has_purposes": lambda slots, concern: bool(concern.purposes),
    "title_may_expire": _title_may_expire,
    "title_held": lambda slots, concern: slots.get("title_kind") not in ("none", None),
    "family_purpose": lambda slots, concern: bool(
        load_catalogue().purposes.get(slots.get("purpose") or "", {}).get("family")),
}
if set(ASK_WHEN) != set(ASK_CONDITIONS):
    raise RuntimeError(f"actions/field_registry.py and bot.fields.ASK_CONDITIONS disagree: "
                       f"{set(ASK_WHEN) ^ set(ASK_CONDITIONS)}")


@dataclass(frozen=True)
class FormField:
    spec: FieldSpec
    parse: Parser

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def invalid(self) -> str:
        return self.spec.invalid_group

    @property
    def structured(self) -> bool:
        return KINDS[self.spec.kind].structured

    @property
    def free_text(self) -> bool:
        return KINDS[self.spec.kind].free_text

    def asked(self, slots: dict[str, Any], concern: Concern) -> bool:
        """Whether its `ask_when:` conditions hold for these answers (no conditions: always)."""
        return all(ASK_WHEN[condition](slots, concern) for condition in self.spec.ask_when)

    @property
    def prompt(self) -> str:
        return f"utter_ask_{self.id}"

    def label(self, language: str) -> str:
        return label("fields", self.id, language)

    def show(self, value: Any, language: str) -> str:
        return SHOW.get(self.spec.kind, lambda v, lang: str(v))(value, language)

    def to_slots(self, value: Any) -> dict[str, Any]:
        """Slot values of a parsed value (dates as ISO strings)."""
        if self.spec.kind in SLOT_VALUES:
            return SLOT_VALUES[self.spec.kind](self.id, value)
        return {self.id: value.isoformat() if isinstance(value, date) else value}


FIELDS: tuple[FormField, ...] = tuple(FormField(spec, PARSERS[spec.kind](spec)) for spec in load_registry().fields)
BY_ID: dict[str, FormField] = {field.id: field for field in FIELDS}
# Slots the form fills: the concern first, each field's slots, the confirmation last.
FORM_SLOTS: tuple[str, ...] = ("concern", *[s for field in FIELDS for s in field.spec.slots], "confirmed")
STRUCTURED_FIELDS = frozenset(field.id for field in FIELDS if field.structured)
FREE_TEXT_FIELDS = frozenset(field.id for field in FIELDS if field.free_text)
# Fields asked right after another wherever it is asked (`asked_after`): leader -> followers.
FOLLOWERS: dict[str, tuple[str, ...]] = {
    field.id: load_registry().followers(field.id) for field in FIELDS if load_registry().followers(field.id)}
# The name question ("Wie heißen Sie?"): the full-name field and the fields asked after it.
NAME_FIELD = next(field.id for field in FIELDS if field.spec.kind == "full_name")
WHOLE_NAME: tuple[str, ...] = (NAME_FIELD, *FOLLOWERS.get(NAME_FIELD, ()))
# Fields whose answer is a number: digits typed there are that number, not a phone number.
NUMBER_FIELDS = frozenset(field.id for field in FIELDS if field.spec.kind in ("case_number", "title_serial"))
INVALID_GROUP = {field.id: field.invalid for field in FIELDS if field.invalid != field.id}
# Case columns filled from slots of the same name (bot.models.CaseSubmission).
CASE_SLOTS: tuple[str, ...] = tuple(load_registry().case_columns())
# Fields without a column: sent as a line "[<id>: <value>]" of the case's message.
NOTE_FIELDS: tuple[str, ...] = tuple(field.id for field in FIELDS if not field.spec.case.column)


# Kinds whose answer is read as typed: the client's own words, and a yes or no ("ok" is the answer).
KEEP_OPENERS = frozenset({"text", "yes_no"})


def parse(field: str, text: str, known: dict[str, Any], concern: Concern | None) -> f.Parsed:
    """Read text as the value of one field ("name": the whole name; "concern": the matter).
    Words an answer starts with ("ok, Turkey", "hallo, Ana Souza", "ähm türkisch") are not
    part of the value: the answer without them is read when the whole is no value, or when
    they are never a value themselves ("hallo Ana Souza" is Ana Souza, "So Yeon Kim" stays)."""
    if field == "concern":
        return f.parse_concern(text)
    spec = BY_ID[NAME_FIELD] if field == "name" else BY_ID.get(field)
    if spec is None:
        return f.Parsed(error="format")
    parsed = spec.parse(text, known, concern)
    if spec.spec.kind in KEEP_OPENERS:
        return parsed
    rest, fillers_only = f.without_openers(text)
    if rest != text and (fillers_only or not parsed.ok):
        stripped = spec.parse(rest, known, concern)
        if stripped.ok:
            return stripped
    return parsed


def to_slots(field: str, value: Any) -> dict[str, Any]:
    spec = BY_ID[NAME_FIELD] if field == "name" else BY_ID.get(field)
    return spec.to_slots(value) if spec else {field: value.isoformat() if isinstance(value, date) else value}


def show(field: str, value: Any, language: str) -> str:
    """A slot value as the client reads it in the summary."""
    if field == "concern":
        return load_catalogue().concerns[value].label(language)
    spec = BY_ID.get(field)
    return spec.show(value, language) if spec else str(value)
