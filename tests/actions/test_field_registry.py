"""One place per field: everything the form needs per field derives from actions/field_registry.py,
and what must live outside Python (domain, labels, case model) is checked against it."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import field_registry as registry
from actions.common import labels
from bot.catalogue import FIELD_IDS
from bot.models import CaseSubmission
from bot.staffcheck.project import Project

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Project(ROOT).domain
SPECS = [pytest.param(spec, id=spec.id) for spec in registry.FIELDS]


def test_registry_and_catalogue_name_the_same_fields():
    assert {spec.id for spec in registry.FIELDS} == set(FIELD_IDS)


@pytest.mark.parametrize("spec", SPECS)
def test_every_field_has_its_question_in_both_languages_its_label_and_its_ask_action(spec):
    languages = {v["condition"][0]["value"] for v in DOMAIN.responses[spec.prompt].variations}
    assert languages == {"de", "en"}
    assert set(labels()["fields"][spec.id]) == {"de", "en"}
    assert f"action_ask_{spec.id}" in DOMAIN.actions


@pytest.mark.parametrize("slot", registry.FORM_SLOTS)
def test_every_form_slot_is_a_domain_slot(slot):
    assert slot in Project(ROOT).load(ROOT / "domain" / "core.yml")["slots"]


@pytest.mark.parametrize("slot", registry.CASE_SLOTS)
def test_every_case_slot_is_a_case_column(slot):
    assert slot in CaseSubmission.model_fields


@pytest.mark.parametrize("spec", [s for s in SPECS if s.values[0].invalid])
def test_every_invalid_group_has_a_response(spec):
    assert f"utter_invalid_{spec.invalid}" in DOMAIN.responses


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
