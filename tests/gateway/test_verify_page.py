"""The verification page's choice of language and format (the page itself: tests/e2e/test_confirmation_legal.py)."""

from __future__ import annotations

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
    assert "Blaue Karte EU, gültig bis 30.04.2026" in html and "nach Angaben" in html
    assert "Nein: Diese Bestätigung belegt nur den Eingang" in html
