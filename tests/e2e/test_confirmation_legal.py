"""Issue 13 through the public chat API: a national D visa holder who asks to "extend the
visa" gets the Fiktionswirkung statement and the unit of their purpose (never the Schengen
unit), a signed PDF whose QR code points at the public verification page, and that page
shows what lets an employer spot an edited copy. (German D visa, Schengen and
Fiktionsbescheinigung holders: tests/e2e/test_every_concern.py.)"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date

import httpx
import pypdf
import pytest

from tests.e2e.chat import Chat, stored_cases
from tests.e2e.dialogue import Press, answer_until_summary, reply

NEXT_YEAR = date.today().year + 1
ANSWERS = {
    "purpose": Press(r"^Study$"), "given_names": "Chen Jing", "family_name": "Chen",
    "date_of_birth": "4 May 1999", "place_of_birth": "I was born in Chengdu", "nationality": "China",
    "title_serial": Press(r"^Skip$"), "title_expiry": f"31 January {NEXT_YEAR}",
    "principal_case_number": Press(r"^Skip$"), "address": "Invalidenstraße 5, 10115 Berlin",
    "email": "chen.jing@example.org", "phone": Press(r"^Skip$"), "message": Press(r"^Skip$"),
    "title_kind": Press(r"^National visa"), "existing_case_number": Press(r"^Skip$"),
}


@pytest.fixture(scope="module")
def d_visa_case(stack):
    chat = Chat(stack.gateway_url, language="en")
    chat.say("I want to extend my national visa, it expires soon")
    answer_until_summary(chat, "en", ANSWERS)
    reply(chat, Press(r"^Yes, send it$"))
    [case] = stored_cases(stack.var_dir, chat.sender)
    [payload] = [c for c in chat.custom if c.get("type") == "confirmation_pdf"]
    pdf = httpx.get(f"{stack.gateway_url}{payload['url']}", headers={"X-Conversation": chat.sender}, timeout=30).content
    return chat, case, pdf


def test_d_visa_holder_gets_the_statement_and_the_unit_of_the_purpose(d_visa_case):
    chat, case, _ = d_visa_case
    assert case["title_kind"] == "national_visa"
    assert case["concern"] == "residence_permit_issue" and case["purpose"] == "study"
    assert case["unit"].startswith("B") and case["unit"] != "B5", case["unit"]
    transcript = "\n".join(chat.transcript)
    assert "this is an application for a residence title, not the extension of a Schengen visa" in transcript
    assert "generally serves as a temporary permit" in chat.text
    assert "Unit B" in chat.text and "(skilled workers, Blue Card, study, research)" in chat.text  # readable name


def test_the_pdf_is_signed_and_an_edited_copy_fails(d_visa_case, tmp_path):
    _, _, pdf = d_visa_case
    signed, edited = tmp_path / "signed.pdf", tmp_path / "edited.pdf"
    signed.write_bytes(pdf)
    position = pdf.index(b"obj") + 10
    edited.write_bytes(pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1:])
    check = lambda path: subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    assert "Signature Validation: Signature is Valid." in check(signed)
    assert "Digest Mismatch" in check(edited)


def test_the_qr_url_points_at_the_public_verification_page(stack, d_visa_case):
    chat, case, pdf = d_visa_case
    text = re.sub(r"\s+", "", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    code = case_code(stack, case)
    assert f"{stack.gateway_url}/verify/{code}" in text
    assert f":{stack.settings.backend_port}/" not in text  # never the backend's internal port


def case_code(stack, case) -> str:
    import sqlite3

    conn = sqlite3.connect(stack.var_dir / "backend.sqlite3")
    try:
        return conn.execute("SELECT verification_code FROM confirmations WHERE case_id = ?", (case["id"],)).fetchone()[0]
    finally:
        conn.close()


def test_the_verification_page_shows_name_document_and_certified_status(stack, d_visa_case):
    _, case, _ = d_visa_case
    url = f"{stack.gateway_url}/verify/{case_code(stack, case)}"
    german = httpx.get(url, headers={"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}, timeout=30)
    assert german.status_code == 200 and german.headers["content-language"] == "de"
    # The rows of the fields with `verification:` in content/fields.yml, labelled from it.
    for expected in (case["case_number"], f"Familienname</dt><dd style=\"margin:0 0 .8em 0\"><b>{case['family_name']}<",
                     f"Vorname(n)</dt><dd style=\"margin:0 0 .8em 0\"><b>{case['given_names']}<",
                     "Nationales Visum (Typ D) (nach Angaben", "Gültig bis</dt><dd style=\"margin:0 0 .8em 0\"><b>31.01.",
                     "Ja: Der Antrag ist rechtzeitig eingegangen"):
        assert expected in german.text, expected
    english = httpx.get(url, params={"lang": "en"}, headers={"Accept": "text/html"}, timeout=30)
    assert "National visa (type D) (as stated by the applicant)" in english.text and "Yes: the application" in english.text
    assert "Valid until</dt><dd style=\"margin:0 0 .8em 0\"><b>31 January" in english.text
    machine = httpx.get(url, headers={"Accept": "application/json"}, timeout=30).json()
    assert machine["genuine"] is True and machine["fiktionswirkung_certified"] is True
    assert (machine["family_name"], machine["title_kind"]) == (case["family_name"], "national_visa")
    # Nothing more than needed to compare: no birth date, nationality, address, e-mail, unit.
    for private in ("1999", "CHN", "Invalidenstraße", "chen.jing@example.org", "Referat", "Unit B"):
        assert private not in german.text and private not in str(machine), private


def test_an_unknown_or_malformed_code_gets_no_data(stack):
    for code in ("AAAA-AAAA-AAAA", "x" * 300, "<img src=x onerror=alert(1)>"):
        page = httpx.get(f"{stack.gateway_url}/verify/{code}", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 404 and "<img src=x" not in page.text
        assert httpx.get(f"{stack.gateway_url}/verify/{code}", headers={"Accept": "application/json"},
                         timeout=30).json() == {"genuine": False}


def test_a_d_visa_holder_who_corrects_the_document_to_a_schengen_visa_is_a_visa_extension_again(stack):
    """Issue 13 gap: after the concern followed the D visa, a correction to a Schengen (C) visa
    kept "issue of a residence permit". The concern the client named decides again: B5, no statement."""
    chat = Chat(stack.gateway_url, language="en")
    chat.say("I want to extend my visa, it expires soon")
    answers = {**ANSWERS, "given_names": "Wei Zhang", "family_name": "Zhang", "email": "wei.zhang@example.org"}
    answer_until_summary(chat, "en", answers)
    assert "Issue of a residence permit" in chat.text, chat.text
    chat.say("Change something: Current title")
    reply(chat, Press(r"^Schengen visa"))
    assert "as “Extension of a visa within Germany” again" in "\n".join(chat.transcript[-4:]), chat.transcript[-4:]
    answer_until_summary(chat, "en", {**answers, "message": "Please extend my Schengen visa."})
    reply(chat, Press(r"^Yes, send it$"))
    [case] = stored_cases(stack.var_dir, chat.sender)
    assert (case["concern"], case["title_kind"], case["unit"]) == ("visa_extension", "schengen_visa", "B5"), case
    assert "generally serves as a temporary permit" not in chat.text
