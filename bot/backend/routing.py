"""Routing rules (content/routing.yml): which unit handles a case, and by which rule.

Rules are data. Each rule names a unit and conditions; all conditions of a rule
must hold, any listed value of one condition matches; the first matching rule
wins. A case of a family member follows the principal's case (``FAMILY_RULE``),
and a case that no rule matches goes to the file's ``default_unit``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import yaml

from bot.catalogue import Catalogue
from bot.config import CONTENT_DIR

ROUTING_FILE = CONTENT_DIR / "routing.yml"
FAMILY_RULE = "family-follows-principal"
DEFAULT_RULE = "default"
CONDITIONS = ("concern", "purpose", "title_kind", "nationality", "surname", "unit_family")
# ICAO 9303 codes on German documents that are not ISO 3166 countries.
EXTRA_NATIONALITIES = {"XKX": "Kosovo", "XXA": "stateless", "XXB": "refugee (1951 convention)",
                       "XXC": "refugee (other)", "XXX": "unknown"}
# Letters that Unicode decomposition does not reduce to A-Z.
_LETTER_FOLD = str.maketrans({"Ø": "O", "Ł": "L", "Đ": "D", "Þ": "T", "Æ": "A", "Œ": "O", "ß": "S", "Ħ": "H"})
_RANGE = re.compile(r"^([A-Z])(?:-([A-Z]))?$")
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class RoutingError(ValueError):
    """The routing file is malformed; the message names the rule and the field.

    ``key``, ``place`` and ``values`` say the same for the staff console in German
    (content/staffcheck.yml, ``routing_errors``); the message itself stays English.
    """

    def __init__(self, message: str, key: str = "", place: dict | None = None, **values) -> None:
        super().__init__(message)
        self.key, self.place, self.values = key, place or {}, values


@dataclass(frozen=True)
class Rule:
    id: str
    unit: str
    values: dict[str, frozenset[str]]  # condition -> accepted values (nationality: codes)
    surname: tuple[tuple[str, str], ...] = ()  # inclusive letter ranges

    def matches(self, facts: RoutingFacts) -> bool:
        """True when every condition of this rule holds for ``facts``."""
        for name, accepted in self.values.items():
            if getattr(facts, name) not in accepted:
                return False
        if self.surname:
            initial = facts.surname_initial
            return initial is not None and any(lo <= initial <= hi for lo, hi in self.surname)
        return True


@dataclass(frozen=True)
class RoutingFacts:
    """What routing looks at, derived from one submission."""

    concern: str
    purpose: str | None
    title_kind: str | None
    nationality: str
    surname_initial: str | None
    unit_family: str


@dataclass(frozen=True)
class RoutingTable:
    default_unit: str
    units: dict[str, dict[str, str]]
    regions: dict[str, frozenset[str]]
    rules: tuple[Rule, ...] = field(default=())
    # What a client is told instead of the unit when they named a principal's case number
    # (content/routing.yml principal_unit_label): that case's unit is the principal's business.
    principal_unit_label: dict[str, str] = field(default_factory=dict)

    def unit_label(self, unit: str, language: str) -> str:
        """Name of ``unit`` in ``language`` (the unit id when the file has none)."""
        return self.units.get(unit, {}).get(language, unit)

    def client_unit_label(self, unit: str, language: str, principal_case_number: str | None) -> str:
        """The unit as the client may see it (chat, PDF).

        Whoever types a family member's case number must not learn which unit handles that
        case (A: asylum and toleration): the case follows the principal's unit
        (``FAMILY_RULE``), but the client reads a neutral name. The same whenever a principal's
        number was given, found or not, so the answer does not tell whether it exists either.
        """
        if principal_case_number and principal_case_number.strip() and self.principal_unit_label:
            return self.principal_unit_label.get(language) or self.principal_unit_label["de"]
        return self.unit_label(unit, language)


@dataclass(frozen=True)
class Decision:
    unit: str
    rule: str


def surname_initial(family_name: str) -> str | None:
    """First letter A-Z of a family name after folding umlauts and diacritics (Ä -> A)."""
    for char in family_name.strip().upper().translate(_LETTER_FOLD):
        base = unicodedata.normalize("NFKD", char)[0]
        if "A" <= base <= "Z":
            return base
        if char.isalpha():
            return None  # a non-Latin script: no range applies
    return None


def facts_for(catalogue: Catalogue, *, concern: str, purpose: str | None, title_kind: str | None,
              nationality: str, family_name: str) -> RoutingFacts:
    """Routing facts of a submission; the purpose's department overrides the concern's."""
    family = catalogue.concerns[concern].unit_family
    if purpose and catalogue.purposes.get(purpose, {}).get("unit_family"):
        family = catalogue.purposes[purpose]["unit_family"]
    return RoutingFacts(concern=concern, purpose=purpose, title_kind=title_kind,
                        nationality=nationality.upper(), surname_initial=surname_initial(family_name),
                        unit_family=family)


def route(table: RoutingTable, facts: RoutingFacts, principal_unit: str | None = None) -> Decision:
    """The unit for a case: the principal's unit, else the first matching rule, else the default."""
    if principal_unit:
        return Decision(principal_unit, FAMILY_RULE)
    for rule in table.rules:
        if rule.matches(facts):
            return Decision(rule.unit, rule.id)
    return Decision(table.default_unit, DEFAULT_RULE)


def load_routing(catalogue: Catalogue, path: Path = ROUTING_FILE) -> RoutingTable:
    """Read and check the routing file."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise RoutingError(f"{path.name}: not valid YAML: {exc}", "not_yaml", problem=str(exc)) from exc
    table = parse_routing(data, catalogue, source=path.name)
    if not table.principal_unit_label:
        raise RoutingError(f"{path.name}: 'principal_unit_label' is missing (what a family member is told "
                           "instead of the principal's unit)", "key_missing", name="principal_unit_label")
    return table


def parse_routing(data: object, catalogue: Catalogue, source: str = "routing.yml") -> RoutingTable:
    """Build a routing table from parsed YAML, with errors naming the rule and field."""
    if not isinstance(data, dict):
        raise RoutingError(f"{source}: expected a mapping with default_unit, units, regions, rules", "not_a_mapping")
    for key in ("default_unit", "units", "rules"):
        if key not in data:
            raise RoutingError(f"{source}: '{key}' is missing", "key_missing", name=key)
    units = _parse_units(data["units"], source)
    if data["default_unit"] not in units:
        raise RoutingError(f"{source}: default_unit '{data['default_unit']}' is not listed under 'units'",
                           "default_unit_unknown", unit=data["default_unit"])
    regions = _parse_regions(data.get("regions") or {}, source)
    if not isinstance(data["rules"], list):
        raise RoutingError(f"{source}: 'rules' must be a list", "rules_not_list")
    rules: list[Rule] = []
    for index, raw in enumerate(data["rules"]):
        rule = _parse_rule(raw, index, units, regions, catalogue, source)
        if any(r.id == rule.id for r in rules):
            raise RoutingError(f"{source}, rule '{rule.id}': the id is used twice", "rule_id_twice", {"rule": rule.id})
        rules.append(rule)
    principal_label = data.get("principal_unit_label") or {}
    if not isinstance(principal_label, dict) or (principal_label and not {"de", "en"} <= set(principal_label)):
        raise RoutingError(f"{source}: 'principal_unit_label' needs a German (de) and an English (en) text",
                           "unit_needs_names", {"field": "principal_unit_label"})
    return RoutingTable(default_unit=data["default_unit"], units=units, regions=regions, rules=tuple(rules),
                        principal_unit_label={k: str(v) for k, v in principal_label.items()})


def _parse_units(raw: object, source: str) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict) or not raw:
        raise RoutingError(f"{source}: 'units' must map unit ids to names in de and en", "units_not_mapping")
    for unit, names in raw.items():
        if not isinstance(names, dict) or not {"de", "en"} <= set(names):
            raise RoutingError(f"{source}, unit '{unit}': needs a German (de) and an English (en) name",
                               "unit_needs_names", {"unit": str(unit)})
    return {str(u): {k: str(v) for k, v in n.items()} for u, n in raw.items()}


def _parse_regions(raw: object, source: str) -> dict[str, frozenset[str]]:
    if not isinstance(raw, dict):
        raise RoutingError(f"{source}: 'regions' must map region names to lists of alpha-3 codes", "regions_not_mapping")
    regions: dict[str, frozenset[str]] = {}
    seen: dict[str, str] = {}
    for name, codes in raw.items():
        where, place = f"{source}, region '{name}'", {"region": str(name)}
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)):
            raise RoutingError(f"{where}: region names are lower case (codes are upper case)", "region_name_case", place)
        if not isinstance(codes, list) or not codes:
            raise RoutingError(f"{where}: expected a non-empty list of alpha-3 codes", "region_needs_codes", place)
        for code in codes:
            _check_code(code, where, place)
            if code in seen:
                raise RoutingError(f"{where}: '{code}' is already in region '{seen[code]}'", "code_in_two_regions", place,
                                   code=code, other=seen[code])
            seen[code] = name
        regions[name] = frozenset(codes)
    return regions


def _check_code(code: object, where: str, place: dict, key: str = "not_a_code") -> None:
    if not isinstance(code, str) or not (code in EXTRA_NATIONALITIES or pycountry.countries.get(alpha_3=code)):
        raise RoutingError(f"{where}: '{code}' is not an ISO 3166 alpha-3 code", key, place, code=str(code))


def _as_list(value: object, where: str, place: dict) -> list:
    values = value if isinstance(value, list) else [value]
    if not values or any(not isinstance(v, str) for v in values):
        raise RoutingError(f"{where}: expected a value or a list of values (text)", "expected_values", place)
    return values


def _parse_rule(raw: object, index: int, units: dict, regions: dict, catalogue: Catalogue,
                source: str) -> Rule:
    number = {"number": index + 1}
    if not isinstance(raw, dict):
        raise RoutingError(f"{source}, rule #{index + 1}: expected a mapping with id, unit, when", "rule_not_mapping", number)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise RoutingError(f"{source}, rule #{index + 1}: 'id' must be lower-case letters, digits, '-'", "rule_id_format", number)
    where, place = f"{source}, rule '{rule_id}'", {"rule": rule_id}
    if rule_id in (FAMILY_RULE, DEFAULT_RULE):
        raise RoutingError(f"{where}: this id is reserved", "rule_id_reserved", place)
    unknown = set(raw) - {"id", "unit", "when", "note"}
    if unknown:
        raise RoutingError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: id, unit, when, note",
                           "rule_unknown_keys", place, keys=", ".join(sorted(map(str, unknown))))
    if raw.get("unit") not in units:
        raise RoutingError(f"{where}, field 'unit': '{raw.get('unit')}' is not listed under 'units'",
                           "rule_unit_unknown", place | {"field": "unit"}, unit=str(raw.get("unit")))
    when = raw.get("when")
    if not isinstance(when, dict) or not when:
        raise RoutingError(f"{where}, field 'when': needs at least one condition of {', '.join(CONDITIONS)}",
                           "rule_when_missing", place | {"field": "when"}, allowed=", ".join(CONDITIONS))
    values: dict[str, frozenset[str]] = {}
    surname: tuple[tuple[str, str], ...] = ()
    for name, value in when.items():
        if name not in CONDITIONS:
            raise RoutingError(f"{where}: unknown condition '{name}'; allowed: {', '.join(CONDITIONS)}",
                               "rule_unknown_condition", place, name=str(name), allowed=", ".join(CONDITIONS))
        at = place | {"field": name}
        items = _as_list(value, f"{where}, field '{name}'", at)
        if name == "surname":
            surname = tuple(_parse_range(item, f"{where}, field 'surname'", at) for item in items)
        else:
            values[name] = _check_values(name, items, f"{where}, field '{name}'", at, regions, catalogue)
    return Rule(id=rule_id, unit=raw["unit"], values=values, surname=surname)


def _check_values(name: str, items: list[str], where: str, place: dict, regions: dict, catalogue: Catalogue) -> frozenset:
    known = {
        "concern": set(catalogue.concerns),
        "purpose": set(catalogue.purposes),
        "title_kind": set(catalogue.title_kinds),
        "unit_family": {"A", "B", "E"},
    }
    if name == "nationality":
        codes: set[str] = set()
        for item in items:
            if item in regions:
                codes |= regions[item]
            else:
                _check_code(item, f"{where} (neither a region of this file nor a code)", place, "neither_region_nor_code")
                codes.add(item)
        return frozenset(codes)
    for item in items:
        if item not in known[name]:
            raise RoutingError(f"{where}: unknown {name} '{item}'; known: {', '.join(sorted(known[name]))}",
                               "rule_unknown_value", place, item=item, known=", ".join(sorted(known[name])))
    return frozenset(items)


def _parse_range(item: str, where: str, place: dict) -> tuple[str, str]:
    match = _RANGE.match(item.strip().upper())
    if not match:
        raise RoutingError(f"{where}: '{item}' is not a letter range like 'A-C' or a single letter", "surname_not_range",
                           place, item=item)
    low, high = match.group(1), match.group(2) or match.group(1)
    if low > high:
        raise RoutingError(f"{where}: range '{item}' runs backwards", "surname_backwards", place, item=item)
    return low, high
