"""The concern catalogue (content/concerns.yml): concerns, purposes, kinds of title.

Loaded and checked once; every service asks this module, never the YAML directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import CONTENT_DIR
from bot.fields import load_registry

# The enquiry's fields, one entry each in content/fields.yml.
FIELD_IDS: tuple[str, ...] = load_registry().ids


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message says where and how to fix it."""


@dataclass(frozen=True)
class Field:
    id: str
    optional: bool


@dataclass(frozen=True)
class Concern:
    id: str
    intent: str
    name: dict[str, str]
    unit_family: str
    purposes: tuple[str, ...]
    fields: tuple[Field, ...]
    concern_by_title: dict[str, str] = dataclass_field(default_factory=dict)  # title kind -> concern id

    @property
    def fiktionswirkung(self) -> bool:
        """Whether an on-time application for this concern can get the statement (content/fiktion.yml)."""
        from bot.confirmation.fiktion import load_table  # the table reads this catalogue

        return load_table().can_apply(self.id)

    def label(self, language: str) -> str:
        return self.name.get(language) or self.name["de"]

    def field_ids(self) -> list[str]:
        return [f.id for f in self.fields]

    def is_optional(self, field_id: str) -> bool:
        return any(f.id == field_id and f.optional for f in self.fields)


@dataclass(frozen=True)
class Catalogue:
    concerns: dict[str, Concern]
    purposes: dict[str, dict]
    title_kinds: dict[str, dict]

    def by_intent(self, intent: str) -> Concern | None:
        return next((c for c in self.concerns.values() if c.intent == intent), None)

    def purpose_label(self, purpose: str, language: str) -> str:
        entry = self.purposes.get(purpose, {})
        return entry.get(language) or entry.get("de") or purpose

    def title_label(self, kind: str, language: str) -> str:
        entry = self.title_kinds.get(kind, {})
        return entry.get(language) or entry.get("de") or kind

    def title_expires(self, kind: str) -> bool:
        return bool(self.title_kinds.get(kind, {}).get("expires", False))


def _parse_fields(concern_id: str, raw: list, optional: list, field_ids: tuple[str, ...]) -> tuple[Field, ...]:
    for name in optional:
        if name not in raw:
            raise CatalogueError(
                f"content/concerns.yml, concern '{concern_id}': optional field '{name}' "
                "is not in its 'fields' list"
            )
    fields = []
    for item in raw:
        name = str(item)
        if name not in field_ids:
            raise CatalogueError(
                f"content/concerns.yml, concern '{concern_id}': unknown field '{name}'. "
                f"Known fields (content/fields.yml): {', '.join(field_ids)}"
            )
        fields.append(Field(name, name in optional))
    return tuple(fields)


def parse_catalogue(data: dict, field_ids: tuple[str, ...] = FIELD_IDS) -> Catalogue:
    """Build and check a catalogue from the parsed YAML (fields: the ids of content/fields.yml)."""
    purposes = data.get("purposes") or {}
    title_kinds = data.get("title_kinds") or {}
    concerns: dict[str, Concern] = {}
    for cid, raw in (data.get("concerns") or {}).items():
        where = f"content/concerns.yml, concern '{cid}'"
        for key in ("intent", "name", "unit_family", "fields"):
            if key not in raw:
                raise CatalogueError(f"{where}: '{key}' is missing")
        if not {"de", "en"} <= set(raw["name"]):
            raise CatalogueError(f"{where}: 'name' needs a German (de) and an English (en) text")
        if raw["unit_family"] not in ("A", "B", "E"):
            raise CatalogueError(f"{where}: unit_family must be A, B or E")
        for p in raw.get("purposes") or []:
            if p not in purposes:
                raise CatalogueError(f"{where}: purpose '{p}' is not listed under 'purposes:'")
        concerns[cid] = Concern(
            id=cid,
            intent=raw["intent"],
            name=dict(raw["name"]),
            unit_family=raw["unit_family"],
            purposes=tuple(raw.get("purposes") or ()),
            fields=_parse_fields(cid, raw["fields"], raw.get("optional") or [], field_ids),
            concern_by_title=dict(raw.get("concern_by_title") or {}),
        )
    for cid, concern in concerns.items():
        for kind, target in concern.concern_by_title.items():
            if kind not in title_kinds or target not in concerns:
                raise CatalogueError(f"content/concerns.yml, concern '{cid}', concern_by_title: "
                                     f"'{kind}: {target}' names an unknown title kind or concern")
    for table, entries in (("purposes", purposes), ("title_kinds", title_kinds)):
        for key, entry in entries.items():
            if not {"de", "en"} <= set(entry):
                raise CatalogueError(f"content/concerns.yml, {table} '{key}': needs 'de' and 'en'")
    return Catalogue(concerns=concerns, purposes=purposes, title_kinds=title_kinds)


@lru_cache
def load_catalogue(path: Path = CONTENT_DIR / "concerns.yml") -> Catalogue:
    with open(path, encoding="utf-8") as fh:
        return parse_catalogue(yaml.safe_load(fh))
