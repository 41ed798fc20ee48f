"""One place per field: everything the form needs per field derives from its entry in
content/fields.yml (bot.fields) and the parser of its kind (actions/field_registry.py)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml

from actions import field_registry as registry
from actions.common import label, labels
from bot.catalogue import FIELD_IDS
from bot.fields import DOMAIN_FILE, domain_drift, domain_text, load_registry
from bot.models import CaseSubmission
from bot.staffcheck.project import Project

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Project(ROOT).domain
SPECS = [pytest.param(spec, id=spec.id) for spec in registry.FIELDS]


def test_registry_and_catalogue_name_the_same_fields():
    assert tuple(spec.id for spec in registry.FIELDS) == FIELD_IDS == load_registry().ids


def test_the_generated_domain_is_up_to_date():
    assert domain_drift(ROOT) == []
    assert (ROOT / DOMAIN_FILE).read_text(encoding="utf-8") == domain_text(load_registry())


@pytest.mark.parametrize("spec", SPECS)
def test_every_field_has_its_question_in_both_languages_its_label_and_its_ask_action(spec):
    response = DOMAIN.responses[spec.prompt]
    assert {v["condition"][0]["value"] for v in response.variations} == {"de", "en"}
    assert response.file == DOMAIN_FILE and DOMAIN.actions[f"action_ask_{spec.id}"][0] == DOMAIN_FILE
    assert label("fields", spec.id, "de") == spec.spec.label["de"] and label("fields", spec.id, "en") == spec.spec.label["en"]
    assert spec.id not in labels()["fields"]  # one place: not again in content/labels.yml


@functools.cache
def _domain_slots() -> frozenset[str]:
    """Every slot the files of domain/ declare (read once for the parametrized test below)."""
    domain = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        domain.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("slots") or {})
    return frozenset(domain)


@pytest.mark.parametrize("slot", registry.FORM_SLOTS)
def test_every_form_slot_is_a_domain_slot(slot):
    assert slot in _domain_slots()


@pytest.mark.parametrize("slot", registry.CASE_SLOTS)
def test_every_case_slot_is_a_case_column(slot):
    assert slot in CaseSubmission.model_fields


@pytest.mark.parametrize("spec", SPECS)
def test_every_invalid_group_has_a_response(spec):
    assert f"utter_invalid_{spec.invalid}" in DOMAIN.responses


def test_the_case_model_is_the_registry_s_case_columns():
    base = {"idempotency_key", "conversation_id", "channel", "language", "concern", "upload_ids", "confirmed_at"}
    assert set(CaseSubmission.model_fields) - base == set(registry.CASE_SLOTS)
    assert "pickup_by_proxy" in registry.NOTE_FIELDS and "pickup_by_proxy" not in CaseSubmission.model_fields


@pytest.mark.parametrize("field, text, slots", [
    ("given_names", "Max Mustermann", {"given_names": "Max", "family_name": "Mustermann"}),
    ("date_of_birth", "3.3.1990", {"date_of_birth": "1990-03-03"}),
    ("address", "Hauptstr. 5, 10827 Berlin", {"address": "Hauptstr. 5, 10827 Berlin", "postal_code": "10827"}),
    ("pickup_by_proxy", "ja", {"pickup_by_proxy": "yes"}),
    ("nationality", "türkisch", {"nationality": "TUR"}),
])
def test_parse_and_slots_come_from_one_entry(field, text, slots):
    parsed = registry.parse(field, text, {}, None)
    assert parsed.ok and registry.to_slots(field, parsed.value) == slots


@pytest.mark.parametrize("field, value, de, en", [
    ("date_of_birth", "1990-03-03", "03.03.1990", "3 March 1990"),
    ("nationality", "TUR", "Türkei", "Türkiye"),
    ("pickup_by_proxy", "yes", "ja", "yes"),
    ("title_kind", "blue_card", "Blaue Karte EU", "EU Blue Card"),
])
def test_summary_values_come_from_the_registry(field, value, de, en):
    assert registry.show(field, value, "de") == de and registry.show(field, value, "en") == en


def _with(entries: dict) -> dict:
    base = {"kind": "text", "label": {"de": "x", "en": "x"}, "ask": {"de": "x?", "en": "x?"}, "case": "note"}
    return {"fields": {fid: {**base, **extra} for fid, extra in entries.items()}}


@pytest.mark.parametrize("entries, message", [
    ({"a": {"ask_when": ["title_held", "on_tuesdays"]}}, "field 'a': 'ask_when' names unknown condition(s) on_tuesdays"),
    ({"a": {"asked_after": "a"}}, "field 'a': 'asked_after' must name another field"),
    ({"a": {"asked_after": "b"}}, "field 'a': asked_after 'b' is no field"),
    ({"a": {}, "b": {"asked_after": "a"}, "c": {"asked_after": "b"}}, "field 'c': asked_after 'b', which is itself asked after 'a'"),
    ({"a": {"confirmation": 1}}, "field 'a': 'confirmation' needs a case column"),
    ({"a": {"confirmation": "yes", "case": {"column": "a"}}}, "field 'a': 'confirmation' must be its row"),
    ({"a": {"confirmation": 0, "case": {"column": "a"}}}, "field 'a': 'confirmation' must be its row"),
    ({"a": {"inbox": 1}}, "field 'a': 'inbox' needs a case column"),
    ({"a": {"inbox": True, "case": {"column": "a"}}}, "field 'a': 'inbox' must be its column in the unit's list"),
    ({"a": {"verification": 1}}, "field 'a': 'verification' needs a case column"),
    ({"a": {"verification": "yes", "case": {"column": "a"}}}, "field 'a': 'verification' must be its row on the public"),
])
def test_when_a_field_is_asked_is_checked(entries, message):
    from bot.fields import FieldsError, parse_registry

    with pytest.raises(FieldsError, match=re.escape(message)):
        parse_registry(_with(entries))


def test_when_a_field_is_asked_is_read_from_the_registry():
    spec = load_registry()
    assert spec.get("title_expiry").ask_when == ("title_may_expire",)
    assert spec.followers("given_names") == ("family_name",)
    assert registry.WHOLE_NAME == ("given_names", "family_name")
    assert set(load_registry().refusing_document_names()) == {"given_names", "family_name", "place_of_birth", "nationality"}


def test_the_unit_s_list_of_cases_has_the_registry_s_columns_in_their_order():
    from bot.backend.api.staff import CaseSummary
    from bot.console.pages.inbox import inbox_columns

    assert [spec.id for spec in load_registry().in_inbox()] == ["family_name", "given_names", "nationality", "purpose"]
    assert list(CaseSummary.model_fields)[-4:] == ["family_name", "given_names", "nationality", "purpose"]
    assert inbox_columns("de") == [("family_name", "Familienname"), ("given_names", "Vorname(n)"),
                                   ("nationality", "Staatsangehörigkeit"), ("purpose", "Zweck")]
    assert [label for _, label in inbox_columns("en")] == ["Family name", "Given name(s)", "Nationality", "Purpose"]


def test_the_confirmation_prints_the_registry_s_fields_in_their_order():
    from bot.confirmation.pdf import _Renderer
    from tests.confirmation.helpers import make_data

    assert [spec.id for spec in load_registry().on_confirmation()] == [
        "family_name", "given_names", "date_of_birth", "nationality"]
    rows = _Renderer(make_data(language="en"))._field_rows()
    assert [key for key, _, _ in rows] == ["case_number", "unit", "received_at", "family_name", "given_names",
                                           "date_of_birth", "nationality", "concern", "title"]
    assert rows[3:7] == [("family_name", "Kowalczyk", True), ("given_names", "Marta", True),
                         ("date_of_birth", "3 November 1988", False), ("nationality", "Ukraine (UKR)", False)]
