"""The verification page's choice of language and format (the page itself: tests/e2e/test_confirmation_legal.py)."""

from __future__ import annotations

import re
from html import escape

import pytest
from starlette.requests import Request

from bot.gateway.verify import _language, _table, _wants_json


def request(query: str = "", **headers: str) -> Request:
    raw = [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/verify/x", "query_string": query.encode(), "headers": raw})


@pytest.mark.parametrize(("query", "accept_language", "expected"), [
    ("lang=en", "de-DE,de;q=0.9", "en"),
    ("lang=fr", "en-GB,en;q=0.8", "en"),  # unknown ?lang falls back to the header
    ("", "fr-FR,fr;q=0.9,en;q=0.8,de;q=0.7", "en"),
    ("", "en;q=0.3,de;q=0.9", "de"),  # quality order, not position
    ("", "", "de"),
    ("", "tr-TR,ar;q=bogus", "de"),
])
def test_language(query, accept_language, expected):
    assert _language(request(query, accept_language=accept_language)) == expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/json", True), ("text/html,application/xhtml+xml", False), ("*/*", False),
    ("text/html, application/json", False),
])
def test_format(accept, expected):
    assert _wants_json(request(accept=accept)) is expected


def test_values_are_escaped_and_marked_as_stated():
    found = {"case_number": "LEA-2026-000001", "received_at": "2026-03-28T23:30:00+00:00",
             "given_names": "<script>alert(1)</script>", "family_name": "O'Brien & Co",
             "title_kind": "blue_card", "title_expiry": "2026-04-30", "fiktionswirkung_certified": False}
    html = _table(found, "de")
    assert "<script>" not in html and "&lt;script&gt;" in html and "O&#x27;Brien &amp; Co" in html
    assert "29.03.2026, 00:30 Uhr (Berliner Zeit)" in html  # Berlin time
    assert "Blaue Karte EU (nach Angaben der Antragstellerin / des Antragstellers)" in html
    assert "<dt style=\"color:#555\">Gültig bis</dt><dd style=\"margin:0 0 .8em 0\"><b>30.04.2026</b>" in html
    assert "Nein: Diese Bestätigung belegt nur den Eingang" in html


# The public page shows these fields to anyone holding a confirmation's code (an employer, a
# landlord): what lets a reader spot an edited PDF. Widening the list discloses personal data to
# strangers; it needs a privacy review, then this list changes with content/fields.yml.
PUBLIC_FIELDS = ["family_name", "given_names", "title_kind", "title_expiry"]


def test_the_public_page_shows_only_the_fields_chosen_for_it():
    from bot.fields import load_registry

    assert [spec.id for spec in load_registry().on_verification()] == PUBLIC_FIELDS


@pytest.mark.parametrize("lang, rows", [
    ("de", ["Vorgangsnummer", "Eingegangen am", "Familienname", "Vorname(n)", "Aktueller Titel", "Gültig bis",
            "Fiktionswirkung bescheinigt"]),
    ("en", ["Case number", "Received on", "Family name", "Given name(s)", "Current title", "Valid until",
            "Fiktionswirkung certified"]),
])
def test_the_rows_are_the_registry_s_fields_with_their_labels(lang, rows):
    """The rows come from content/fields.yml (`verification:`), labelled in the page's language;
    anything else the lookup might carry is not shown, a field without a value has no row."""
    found = {"case_number": "LEA-2026-7KQM-XR4W", "received_at": "2026-03-28T10:00:00+00:00",
             "given_names": "Amira", "family_name": "Haddad", "title_kind": "residence_permit",
             "title_expiry": "2026-04-30", "fiktionswirkung_certified": True,
             "date_of_birth": "1990-05-17", "nationality": "JOR", "email": "amira@example.org"}
    html = _table(found, lang)
    assert re.findall(r'<dt style="color:#555">([^<]*)</dt>', html) == [escape(r) for r in rows]
    for private in ("1990", "JOR", "Jordan", "amira@example.org"):
        assert private not in html
    shorter = _table({**found, "title_expiry": None}, lang)
    assert rows[5] not in shorter and rows[4] in shorter
