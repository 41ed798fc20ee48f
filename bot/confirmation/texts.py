"""Texts of the confirmation PDF (content/confirmation.yml), checked once on load."""

from __future__ import annotations

import gettext
import string
from datetime import date
from functools import lru_cache
from pathlib import Path

import pycountry
import yaml

from bot.config import CONTENT_DIR
from bot.fields import load_registry

LANGUAGES = ("de", "en")
TEXTS_PATH = CONTENT_DIR / "confirmation.yml"


class ConfirmationTextError(ValueError):
    """content/confirmation.yml is malformed; the message says where."""


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_entry(where: str, entry: object, same_placeholders: bool = True) -> None:
    """An entry is a de/en pair with the same placeholders, or a mapping of such pairs."""
    if not isinstance(entry, dict):
        raise ConfirmationTextError(f"content/confirmation.yml, '{where}': expected de/en texts")
    if "de" in entry or "en" in entry:
        missing = [lang for lang in LANGUAGES if not isinstance(entry.get(lang), (str, list))]
        if missing:
            raise ConfirmationTextError(
                f"content/confirmation.yml, '{where}': text missing in {', '.join(missing)}")
        if same_placeholders and isinstance(entry["de"], str) and _placeholders(entry["de"]) != _placeholders(entry["en"]):
            raise ConfirmationTextError(
                f"content/confirmation.yml, '{where}': German and English use different {{placeholders}}")
        return
    for key, sub in entry.items():
        _check_entry(f"{where}.{key}", sub, same_placeholders)


@lru_cache
def load_texts(path: Path = TEXTS_PATH) -> dict:
    """The parsed, checked text table."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    for key, entry in data.items():
        _check_entry(key, entry, same_placeholders=key != "formats")  # date formats differ by design
    return data


def text(key: str, language: str, **values: object) -> str:
    """The text at a dotted key (e.g. ``fields.unit``) in one language, placeholders filled.

    ``fields.<id>`` of an enquiry field is its label in content/fields.yml.
    """
    section, _, name = key.partition(".")
    if section == "fields" and name not in load_texts()["fields"] and (label := load_registry().label(name, language)):
        return label
    entry = load_texts()
    for part in key.split("."):
        entry = entry[part]
    flat = " ".join(str(entry[language]).split())  # YAML folding may leave double spaces
    return flat.format(**values) if values else flat


def format_date(day: date, language: str) -> str:
    """A calendar date written the way the language's readers expect."""
    formats = load_texts()["formats"]
    return formats["date"][language].format(
        day=day.day, month=day.month, year=day.year, month_name=formats["months"][language][day.month - 1])


@lru_cache
def _german_countries() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"], fallback=True)


def country_name(code: str, language: str) -> str:
    """Country (or stateless/unknown) name of an ISO 3166 alpha-3 code in de or en."""
    code = code.upper()
    special = _nationality_specials().get(code) or load_texts().get("countries_extra", {}).get(code)
    if special:
        return special[language]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _german_countries().gettext(name) if language == "de" else name


@lru_cache
def _nationality_specials() -> dict:
    """XXA/XXX labels, kept with the nationality parser's table."""
    with open(CONTENT_DIR / "nationalities.yml", encoding="utf-8") as fh:
        return (yaml.safe_load(fh) or {}).get("special") or {}


def note_keys() -> set[str]:
    """Keys of the notes a neutral receipt can carry (content/fiktion.yml names them)."""
    return set(load_texts().get("notes") or {})
