"""Routing rules: sample cases per department, surname folding, rule-file checks."""

from __future__ import annotations

import copy

import pycountry
import pytest
import yaml

from bot.backend import routing
from bot.backend.routing import RoutingError, load_routing, parse_routing, surname_initial
from bot.catalogue import load_catalogue

CATALOGUE = load_catalogue()
TABLE = load_routing(CATALOGUE)
RAW = yaml.safe_load(routing.ROUTING_FILE.read_text(encoding="utf-8"))


def decide(concern="residence_permit_extension", purpose=None, title_kind="residence_permit",
           nationality="JOR", family_name="Haddad", principal_unit=None) -> tuple[str, str]:
    facts = routing.facts_for(CATALOGUE, concern=concern, purpose=purpose, title_kind=title_kind,
                              nationality=nationality, family_name=family_name)
    decision = routing.route(TABLE, facts, principal_unit)
    return decision.unit, decision.rule


@pytest.mark.parametrize("case, expected", [
    # Department A: asylum seekers and tolerated persons, whatever the concern.
    (dict(title_kind="toleration", nationality="AFG", family_name="Ahmadi"), ("A2", "a-surname-a-c")),
    (dict(title_kind="permission_to_reside", nationality="IRQ", family_name="Karimi"), ("A3", "a-surname-d-l")),
    (dict(title_kind="toleration", nationality="GIN", family_name="Ölmez"), ("A4", "a-surname-m-z")),
    (dict(title_kind="toleration", nationality="VNM", family_name="Zung", concern="data_change"), ("A3", "a-vietnam")),
    (dict(title_kind="permission_to_reside", nationality="SYR", family_name="Haddad"), ("A1", "a-syria-a1")),
    (dict(title_kind="toleration", nationality="SYR", family_name="Yousef"), ("A5", "a-syria-a5")),
    # Department B: purposes of skilled workers, students, researchers; Schengen visas.
    (dict(purpose="blue_card", nationality="IND", family_name="Bose"), ("B1", "b-academic-a-f")),
    (dict(purpose="study", nationality="CHN", family_name="Huang"), ("B2", "b-academic-g-k")),
    (dict(purpose="research", nationality="BRA", family_name="Lopes"), ("B3", "b-academic-l-r")),
    (dict(purpose="employment", nationality="USA", family_name="Smith"), ("B4", "b-academic-s-z")),
    (dict(purpose="employment", nationality="USA", family_name="Émile"), ("B1", "b-academic-a-f")),
    (dict(purpose="vocational_training", nationality="VNM", family_name="Nguyen"), ("B6", "b-vocational")),
    (dict(purpose="skilled_worker_vocational", nationality="PHL", family_name="Reyes", concern="residence_permit_issue"),
     ("B6", "b-vocational")),
    (dict(concern="visa_extension", title_kind="schengen_visa", nationality="COL", family_name="Gómez"),
     ("B5", "b-schengen-visa-extension")),
    # Department E: by the nationality's region, named countries first.
    (dict(purpose="family_spouse", nationality="IRN"), ("E1", "e1-near-middle-east")),
    (dict(purpose="humanitarian", nationality="ERI"), ("E2", "e2-africa-americas")),
    (dict(concern="settlement_permit", nationality="MEX"), ("E2", "e2-africa-americas")),
    (dict(concern="card_pickup", nationality="TUR"), ("E3", "e3-listed-countries")),
    (dict(purpose="self_employed", nationality="FJI"), ("E3", "e3-listed-countries")),
    (dict(concern="data_change", nationality="NZL"), ("E4", "e4-russia-new-zealand")),
    (dict(concern="lost_card", nationality="RUS"), ("E4", "e4-russia-new-zealand")),
    (dict(purpose="medical_treatment", nationality="JPN"), ("E4", "e4-asia")),
    (dict(concern="appointment", nationality="UKR"), ("E5", "e5-europe")),
    (dict(concern="other", nationality="XKX"), ("E5", "e5-europe")),
    # No rule: stateless or unknown nationality, or a B purpose with a non-Latin surname.
    (dict(concern="other", nationality="XXA"), ("E-ZENTRAL", "default")),
    (dict(purpose="study", nationality="CHN", family_name="王"), ("E-ZENTRAL", "default")),
])
def test_sample_cases_reach_their_unit(case, expected):
    assert decide(**case) == expected


def test_family_member_follows_the_principal_before_any_rule():
    assert decide(purpose="family_child", nationality="SYR", principal_unit="B3") == ("B3", "family-follows-principal")


def test_every_inhabited_country_reaches_a_department_e_unit():
    uninhabited = {"ATA", "ATF", "BVT", "HMD", "SGS"}
    for country in pycountry.countries:
        if country.alpha_3 in uninhabited:
            continue
        unit, rule = decide(concern="other", nationality=country.alpha_3)
        assert unit.startswith("E") and unit != "E-ZENTRAL", (country.alpha_3, country.name, rule)


@pytest.mark.parametrize("name, initial", [
    ("Ärzte", "A"), ("Öztürk", "O"), ("über", "U"), ("Ørsted", "O"), ("Łukasz", "L"),
    ("Ţepeş", "T"), ("  de la Cruz", "D"), ("'t Hooft", "T"), ("Ñúñez", "N"), ("Đorđević", "D"),
    ("Иванов", None), ("محمد", None), ("", None),
])
def test_surname_initial_folds_diacritics(name, initial):
    assert surname_initial(name) == initial


def _broken(mutate) -> dict:
    data = copy.deepcopy(RAW)
    mutate(data)
    return data


def _rule(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: _rule(d, "b-vocational")["when"].update(purpose="astronaut"),
     "rule 'b-vocational', field 'purpose': unknown purpose 'astronaut'"),
    (lambda d: _rule(d, "b-schengen-visa-extension")["when"].update(concern="visa_extnesion"),
     "rule 'b-schengen-visa-extension', field 'concern': unknown concern 'visa_extnesion'"),
    (lambda d: _rule(d, "a-vietnam")["when"].update(title_kind="duldung"),
     "rule 'a-vietnam', field 'title_kind': unknown title_kind 'duldung'"),
    (lambda d: _rule(d, "e5-europe")["when"].update(nationality="eurpoe"),
     "rule 'e5-europe', field 'nationality' (neither a region of this file nor a code): 'eurpoe'"),
    (lambda d: _rule(d, "e4-russia-new-zealand")["when"].update(nationality=["RUS", "ZZZ"]),
     "rule 'e4-russia-new-zealand', field 'nationality'"),
    (lambda d: _rule(d, "a-surname-a-c")["when"].update(surname="C-A"),
     "rule 'a-surname-a-c', field 'surname': range 'C-A' runs backwards"),
    (lambda d: _rule(d, "a-surname-a-c")["when"].update(surname="A to C"),
     "rule 'a-surname-a-c', field 'surname': 'A to C' is not a letter range"),
    (lambda d: _rule(d, "e1-near-middle-east")["when"].update(unit_family="F"),
     "rule 'e1-near-middle-east', field 'unit_family': unknown unit_family 'F'"),
    (lambda d: _rule(d, "e1-near-middle-east").update(unit="E9"),
     "rule 'e1-near-middle-east', field 'unit': 'E9' is not listed under 'units'"),
    (lambda d: _rule(d, "e1-near-middle-east")["when"].update(religion="any"),
     "rule 'e1-near-middle-east': unknown condition 'religion'"),
    (lambda d: _rule(d, "e1-near-middle-east").update(when={}),
     "rule 'e1-near-middle-east', field 'when': needs at least one condition"),
    (lambda d: d["rules"].append(dict(_rule(d, "a-vietnam"))), "rule 'a-vietnam': the id is used twice"),
    (lambda d: d["rules"].append({"id": "family-follows-principal", "unit": "E1", "when": {"concern": "other"}}),
     "rule 'family-follows-principal': this id is reserved"),
    (lambda d: d["regions"]["europe"].append("TUR"), "region 'europe': 'TUR' is already in region 'near_middle_east'"),
    (lambda d: d["regions"]["asia"].append("XYZ"), "region 'asia': 'XYZ' is not an ISO 3166 alpha-3 code"),
    (lambda d: d.update(default_unit="NOWHERE"), "default_unit 'NOWHERE' is not listed under 'units'"),
    (lambda d: d["units"]["B7"].pop("en"), "unit 'B7': needs a German (de) and an English (en) name"),
    (lambda d: d.pop("rules"), "'rules' is missing"),
])
def test_rule_file_errors_name_the_rule_and_field(mutate, message):
    with pytest.raises(RoutingError) as error:
        parse_routing(_broken(mutate), CATALOGUE)
    assert message in str(error.value)


def test_the_shipped_rule_file_loads_and_names_only_known_units():
    assert TABLE.default_unit == "E-ZENTRAL"
    assert {rule.unit for rule in TABLE.rules} <= set(TABLE.units)
    assert all(TABLE.unit_label(unit, "en") != TABLE.unit_label(unit, "de") for unit in TABLE.units)
