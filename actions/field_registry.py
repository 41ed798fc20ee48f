"""One place per field of the enquiry: how it is read, checked, shown, asked and sent.

The form (actions/enquiry_form.py), the summary, the submission (bot.models.CaseSubmission)
and the corrections derive from this table. A new field is one entry here, plus what
lives outside Python by necessity: its question `utter_ask_<id>` and invalid answer
responses (domain/), its slot and ask action (domain/core.yml, checked against this
table by tests/actions/test_field_registry.py), its label (content/labels.yml `fields`),
the concerns that ask it (content/concerns.yml) and the case column (bot/models.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from actions import fields as f
from actions.common import label
from bot.catalogue import FIELD_IDS, Concern, load_catalogue
from bot.knowledge import format_date

Parser = Callable[[str, dict[str, Any], "Concern | None"], f.Parsed]


def _earlier_year(field: str, parse: Callable[..., f.Parsed]) -> Parser:
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


@dataclass(frozen=True)
class FormField:
    id: str
    parse: Parser
    invalid: str | None = None    # response group: utter_invalid_<invalid>[_<code>] (default: the id)
    structured: bool = False      # fixed shape (e-mail, date ...): a valid one is never a leave-intent
    free_text: bool = False       # takes almost any text: a question typed there is a question
    show: Callable[[Any, str], str] = lambda value, language: str(value)
    case_date: bool = False       # sent to the backend as a date

    @property
    def prompt(self) -> str:
        return f"utter_ask_{self.id}"

    def label(self, language: str) -> str:
        return label("fields", self.id, language)

    def to_slots(self, value: Any) -> dict[str, Any]:
        """Slot values of a parsed value (dates as ISO strings)."""
        if isinstance(value, date):
            return {self.id: value.isoformat()}
        return {self.id: value}


@dataclass(frozen=True)
class NameField(FormField):
    """ "Max Mustermann" fills given and family name at once."""

    def to_slots(self, value: Any) -> dict[str, Any]:
        given, family = value
        return {"given_names": given, **({"family_name": family} if family else {})}


@dataclass(frozen=True)
class AddressField(FormField):
    def to_slots(self, value: Any) -> dict[str, Any]:
        return {"address": value["address"], "postal_code": value["postal_code"]}


@dataclass(frozen=True)
class YesNoField(FormField):
    def to_slots(self, value: Any) -> dict[str, Any]:
        return {self.id: "yes" if value else "no"}


FIELDS: tuple[FormField, ...] = (
    FormField("purpose", lambda text, known, concern: f.parse_purpose(text, concern.purposes if concern else ()),
              free_text=True, show=lambda v, lang: load_catalogue().purpose_label(v, lang)),
    NameField("given_names", _text(f.parse_full_name), invalid="name", free_text=True),
    FormField("family_name", _text(f.clean_name), invalid="name", free_text=True),
    FormField("date_of_birth", _earlier_year("date_of_birth", f.parse_date_of_birth), invalid="date",
              structured=True, show=_show_date, case_date=True),
    FormField("place_of_birth", _text(f.parse_place), invalid="place", free_text=True),
    FormField("nationality", _text(f.parse_nationality), free_text=True,
              show=lambda v, lang: f.country_name(v, lang)),
    FormField("email", _text(f.parse_email), structured=True),
    FormField("phone", _text(f.parse_phone), structured=True),
    AddressField("address", _text(f.parse_address), structured=True),
    FormField("existing_case_number", _text(f.parse_case_number), invalid="case_number", structured=True),
    FormField("principal_case_number", _text(f.parse_case_number), invalid="case_number", structured=True),
    FormField("title_kind", _text(f.parse_title_kind), free_text=True,
              show=lambda v, lang: load_catalogue().title_label(v, lang)),
    FormField("title_serial", _text(f.parse_title_serial), structured=True),
    FormField("title_expiry", _earlier_year("title_expiry", f.parse_title_expiry), invalid="date",
              structured=True, show=_show_date, case_date=True),
    YesNoField("pickup_by_proxy", _text(f.parse_yes_no), invalid="yes_no",
               show=lambda v, lang: label("values", "yes" if v == "yes" else "no", lang)),
    FormField("message", _text(f.parse_message)),
)
BY_ID: dict[str, FormField] = {field.id: field for field in FIELDS}
# Slots the form fills besides the fields: the concern first, the postal code (with the
# address), the confirmation last.
FORM_SLOTS: tuple[str, ...] = ("concern", *[s for field in FIELDS for s in
                                            ((field.id, "postal_code") if field.id == "address" else (field.id,))],
                               "confirmed")
STRUCTURED_FIELDS = frozenset(field.id for field in FIELDS if field.structured)
FREE_TEXT_FIELDS = frozenset(field.id for field in FIELDS if field.free_text)
INVALID_GROUP = {field.id: field.invalid for field in FIELDS if field.invalid}
# Case columns filled from slots of the same name (bot.models.CaseSubmission).
CASE_SLOTS: tuple[str, ...] = tuple(s for s in FORM_SLOTS if s not in ("concern", "confirmed", "pickup_by_proxy"))

if set(BY_ID) != set(FIELD_IDS):  # the concern catalogue checks concerns.yml against FIELD_IDS
    raise RuntimeError(f"actions/field_registry.py and bot.catalogue.FIELD_IDS disagree: {set(BY_ID) ^ set(FIELD_IDS)}")


def parse(field: str, text: str, known: dict[str, Any], concern: Concern | None) -> f.Parsed:
    """Read text as the value of one field ("name": the whole name; "concern": the matter)."""
    if field == "name":
        return BY_ID["given_names"].parse(text, known, concern)
    if field == "concern":
        return f.parse_concern(text)
    spec = BY_ID.get(field)
    return spec.parse(text, known, concern) if spec else f.Parsed(error="format")


def to_slots(field: str, value: Any) -> dict[str, Any]:
    spec = BY_ID["given_names"] if field == "name" else BY_ID.get(field)
    return spec.to_slots(value) if spec else {field: value.isoformat() if isinstance(value, date) else value}


def show(field: str, value: Any, language: str) -> str:
    """A slot value as the client reads it in the summary."""
    if field == "concern":
        return load_catalogue().concerns[value].label(language)
    spec = BY_ID.get(field)
    return spec.show(value, language) if spec else str(value)
