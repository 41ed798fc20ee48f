"""Issue 13 in the backend: the client's confirmation is the moment of receipt (bounded),
the document held decides the statement and the unit, the PDF carries a PAdES signature."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.backend.models import Case, Confirmation
from tests.backend.conftest import INTERNAL, submission
from tests.backend.helpers import counts

# Berlin is UTC+1 in December: 22:59:30 UTC is 23:59:30 on the expiry day.
CONFIRMED = datetime(2026, 12, 1, 22, 59, 30, tzinfo=UTC)
EXPIRY = "2026-12-01"


def submit(client, **overrides):
    response = client.post("/internal/cases", json=submission(**overrides), headers=INTERNAL)
    assert response.status_code in (200, 201), response.text
    return response.json()


def stored(ctx, case_number: str) -> tuple[Case, Confirmation]:
    with ctx.sessions() as session:
        case = session.scalar(select(Case).where(Case.case_number == case_number))
        return case, case.confirmation


def at(ctx, moment: datetime) -> None:
    ctx.clock = lambda: moment


def test_confirmed_before_midnight_delivered_after_keeps_the_earlier_time(client, ctx):
    """The outbox path: confirmed 23:59:30 on the expiry day, delivered at 00:20 the next day."""
    at(ctx, CONFIRMED + timedelta(minutes=21))
    receipt = submit(client, title_expiry=EXPIRY, confirmed_at=CONFIRMED.isoformat())
    assert receipt["fiktionswirkung"] is True
    assert datetime.fromisoformat(receipt["received_at"]) == CONFIRMED
    case, confirmation = stored(ctx, receipt["case_number"])
    assert case.received_at == CONFIRMED and confirmation.received_at == CONFIRMED


def test_without_a_confirmation_time_the_arrival_counts(client, ctx):
    at(ctx, CONFIRMED + timedelta(minutes=21))
    receipt = submit(client, title_expiry=EXPIRY)
    assert receipt["fiktionswirkung"] is False
    assert receipt["fiktion_note"] == "late_application"


@pytest.mark.parametrize("offset", [timedelta(minutes=5), timedelta(days=400)], ids=["future", "older-than-outbox"])
def test_a_confirmation_time_out_of_bounds_cannot_backdate(client, ctx, offset):
    """A time in the future or older than the outbox keeps is replaced by the arrival time."""
    arrival = CONFIRMED + timedelta(minutes=21)
    at(ctx, arrival)
    claimed = arrival + offset if offset < timedelta(days=1) else arrival - offset
    receipt = submit(client, title_expiry=EXPIRY, confirmed_at=claimed.isoformat())
    assert datetime.fromisoformat(receipt["received_at"]) == arrival
    assert receipt["fiktionswirkung"] is False


def test_a_naive_confirmation_time_is_not_trusted(client, ctx):
    arrival = CONFIRMED + timedelta(minutes=21)
    at(ctx, arrival)
    receipt = submit(client, title_expiry=EXPIRY, confirmed_at="2026-12-01T23:00:00")
    assert datetime.fromisoformat(receipt["received_at"]) == arrival


def test_a_d_visa_holder_who_asks_to_extend_the_visa_gets_the_statement_and_the_unit_of_the_purpose(client, ctx):
    """Issue 13 gap: sent straight to the API without a purpose, this went to Department E's default
    unit. The document decides: it is an application for a residence permit, routed by its purpose."""
    receipt = submit(client, concern="visa_extension", purpose="study", title_kind="national_visa",
                     title_expiry="2099-01-31", family_name="Haddad")
    assert receipt["fiktionswirkung"] is True
    assert (receipt["unit"], receipt["rule"]) == ("B2", "b-academic-g-k")
    case, _confirmation = stored(ctx, receipt["case_number"])
    assert case.concern == "residence_permit_issue"


def test_without_a_purpose_the_api_asks_for_it_instead_of_guessing_a_unit(client, ctx):
    response = client.post("/internal/cases", headers=INTERNAL, json=submission(
        concern="visa_extension", purpose=None, title_kind="national_visa", title_expiry="2099-01-31"))
    assert response.status_code == 422 and response.json()["error"] == "purpose_required"
    assert set(response.json()["message"]) == {"de", "en"}
    assert counts(ctx)["cases"] == 0


def test_a_schengen_visa_holder_goes_to_b5_without_the_statement(client):
    receipt = submit(client, concern="visa_extension", purpose=None, title_kind="schengen_visa",
                     title_expiry="2099-01-31")
    assert receipt["unit"] == "B5"
    assert receipt["fiktionswirkung"] is False and receipt["fiktion_note"] == "schengen_visa"


def test_the_receipt_names_the_unit_readably(client):
    receipt = submit(client, nationality="XXA", concern="other", purpose=None)  # no rule: the default unit
    assert receipt["unit"] == "E-ZENTRAL"
    assert set(receipt["unit_names"]) == {"de", "en"}
    assert all("E-ZENTRAL" not in name for name in receipt["unit_names"].values())


def _pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "confirmation.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def test_the_pdf_is_signed_and_an_edited_copy_fails(client, ctx, tmp_path):
    receipt = submit(client)
    case, _ = stored(ctx, receipt["case_number"])
    pdf = ctx.pdfs.pdf(case.id)  # rendered and signed after the commit (bot/backend/pdf_worker.py)
    assert "Signature Validation: Signature is Valid." in _pdfsig(pdf, tmp_path)
    # Flip one bit inside the signed byte range (page text streams are compressed, so a
    # byte of the first object): the digest no longer matches.
    position = pdf.index(b"obj") + 10
    edited = pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1:]
    out = _pdfsig(edited, tmp_path)
    assert "Signature is Valid." not in out and "Digest Mismatch" in out


def test_the_default_signing_key_is_private(client, ctx):
    key = ctx.settings.var_dir / "signing" / "confirmation-key.pem"
    assert key.exists()
    assert key.stat().st_mode & 0o777 == 0o600
    assert (key.parent.stat().st_mode & 0o777) == 0o700
