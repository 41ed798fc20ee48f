"""The unit inbox shows linked cases (possible duplicates) and follow-ups, each only to whom may open them.

Against the real backend app (SQLite, in-process): the console's client calls it with the
unit's own staff token, exactly as in production.
"""

from __future__ import annotations

import json
import shutil

import pytest
from fastapi.testclient import TestClient

from bot.backend.app import create_app as create_backend
from bot.config import Settings
from bot.console import accounts
from bot.console.app import create_app
from bot.console.backend_client import BackendClient
from tests.backend.conftest import INTERNAL, STAFF_TOKENS, submission
from tests.console.conftest import PASSWORD, signed_in


@pytest.fixture
def stack(tmp_path, project_template):
    """The backend and the console sharing the staff tokens; accounts of units B2 and E1."""
    settings = Settings(var_dir=tmp_path / "var", backend_database_url=f"sqlite:///{tmp_path / 'backend.sqlite3'}",
                        internal_token=INTERNAL["X-Internal-Token"], staff_tokens=json.dumps(STAFF_TOKENS),
                        verify_url="https://lea.example/verify", backend_url="http://testserver",
                        console_project_dir=tmp_path / "project", rasa_port=9)
    shutil.copytree(project_template, tmp_path / "project")
    with TestClient(create_backend(settings)) as backend:
        app = create_app(settings)
        app.state.console.backend = BackendClient(settings, http=backend)
        for name, unit in (("bea.b2", "B2"), ("emil.e1", "E1")):
            accounts.add_user(app.state.console.store, name, PASSWORD, "unit", unit)
        yield app, backend


def _submit(backend, **overrides) -> dict:
    response = backend.post("/internal/cases", json=submission(**overrides), headers=INTERNAL)
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture
def linked(stack):
    """B2's open case; a possible duplicate of it routed to E1 (another purpose); a follow-up of the first."""
    app, backend = stack
    first = _submit(backend)  # academic purpose: B2
    other = _submit(backend, conversation_id="conv-9", purpose="family_spouse")  # same person: linked, routed to E1
    again = _submit(backend, message="Nachtrag: Arbeitsvertrag")  # same conversation: a follow-up of the first
    assert (first["unit"], other["unit"], again["status"]) == ("B2", "E1", "follow_up")
    return app, first["case_number"], other["case_number"]


def test_the_inbox_marks_possible_duplicates_and_follow_ups(linked):
    app, first, other = linked
    page = signed_in(app, "bea.b2").get("/inbox").text
    row = page.split(f'href="/inbox/{first}"', 1)[1].split("</tr>", 1)[0]
    assert "1 possible duplicate" in row and "1 follow-up" in row
    e1 = signed_in(app, "emil.e1").get("/inbox").text
    row = e1.split(f'href="/inbox/{other}"', 1)[1].split("</tr>", 1)[0]
    assert "Possible duplicate (unverified)" in row and "follow-up" not in row


def test_the_matched_unit_sees_and_opens_the_duplicate_routed_elsewhere(linked):
    app, first, other = linked
    b2 = signed_in(app, "bea.b2")
    case = b2.get(f"/inbox/{first}").text
    assert "Linked cases" in case and f'href="/inbox/{other}"' in case and "unit E1" in case
    assert "1 follow-up" in case and "again in the same conversation" in case
    duplicate = b2.get(f"/inbox/{other}")  # the backend lets the matched unit decide
    assert duplicate.status_code == 200
    assert "This case belongs to unit E1" in duplicate.text and f'href="/inbox/{first}"' in duplicate.text


def test_attack_a_unit_cannot_reach_another_units_case_through_the_link(linked):
    """E1 holds the duplicate; the case it links to is B2's: no number, no link, and 404 when guessed."""
    app, first, other = linked
    e1 = signed_in(app, "emil.e1")
    case = e1.get(f"/inbox/{other}")
    assert case.status_code == 200 and "Possible duplicate of" in case.text
    assert first not in case.text and "a case of another unit" in case.text and "unit B2 decides" in case.text
    assert first not in e1.get("/inbox").text
    for path in (f"/inbox/{first}", f"/inbox/{first}/confirmation.pdf", f"/inbox/{first.lower()}"):
        refused = e1.get(path)
        assert refused.status_code == 404, path
        main = refused.text.split("<main", 1)[1]  # the header's language switch repeats the requested path
        assert "Haddad" not in main and first not in main.upper()
    with app.state.console.store.connect() as db:  # every attempt is in the console's audit log
        attempts = db.execute("SELECT ok FROM audit WHERE user = 'emil.e1' AND case_number = ?", (first,)).fetchall()
    assert attempts and not any(row[0] for row in attempts)


def test_the_links_are_german_for_german_readers(linked):
    app, first, other = linked
    b2 = signed_in(app, "bea.b2")
    b2.headers["Accept-Language"] = "de"
    case = b2.get(f"/inbox/{first}").text
    assert "Verknüpfte Fälle" in case and "1 Nachreichung" in case and "Linked cases" not in case


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_case_page_lists_the_registry_s_fields_with_their_labels(stack, language):
    """Every case column of content/fields.yml the case holds, labelled from the registry in the
    console's language (one place per field: the page names no field by hand)."""
    from markupsafe import escape

    from bot.fields import load_registry

    app, backend = stack
    number = _submit(backend, address="Musterstraße 12", postal_code="10115", title_serial="Y12345678",
                     principal_case_number="LEA-2026-000123")["case_number"]
    b2 = signed_in(app, "bea.b2")
    b2.headers["Accept-Language"] = language
    page = b2.get(f"/inbox/{number}").text
    registry = load_registry()
    shown = {spec.id: escape(registry.label(spec.id, language)) for spec in registry.fields}
    for field, value in (("purpose", "employment"), ("given_names", "Amira"), ("family_name", "Haddad"),
                         ("date_of_birth", "1990-05-17"), ("nationality", "JOR"), ("email", "amira@example.org"),
                         ("address", "Musterstraße 12 10115"), ("title_kind", "residence_permit"),
                         ("title_serial", "Y12345678"), ("title_expiry", "2099-01-31"),
                         ("principal_case_number", "LEA-2026-000123")):
        assert f"<dt>{shown[field]}</dt><dd>{value}</dd>" in page, field
    assert f"<dt>{shown['phone']}</dt>" not in page  # not given: no row
    assert f"<dt>{shown['message']}</dt>" not in page and "Bitte um Verlängerung." in page  # with the submissions


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_inbox_columns_are_the_registry_s_fields_with_their_labels(stack, language):
    """The unit's list of cases: after case number, time and concern, a column per field with
    `inbox:` in content/fields.yml, labelled from the registry (the template names no field)."""
    from markupsafe import escape

    from bot.fields import load_registry

    app, backend = stack
    number = _submit(backend)["case_number"]
    b2 = signed_in(app, "bea.b2")
    b2.headers["Accept-Language"] = language
    page = b2.get("/inbox").text
    registry = load_registry()
    heads = "".join(f'<th scope="col">{escape(registry.label(spec.id, language))}</th>' for spec in registry.in_inbox())
    assert heads in page
    row = page.split(f'href="/inbox/{number}"', 1)[1].split("</tr>", 1)[0]
    assert "<td>Haddad</td><td>Amira</td><td>JOR</td><td>employment</td>" in row, row
