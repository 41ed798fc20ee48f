"""Case submission: receipts, idempotent retries, follow-ups, family rule, refusals."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.backend.conftest import INTERNAL, staff, submission
from tests.backend.helpers import counts, upload


def post(client, **overrides):
    return client.post("/internal/cases", json=submission(**overrides), headers=INTERNAL)


def test_a_new_case_is_routed_numbered_and_confirmed(client, ctx):
    response = post(client)
    assert response.status_code == 201
    receipt = response.json()
    assert receipt["status"] == "created"
    assert re.fullmatch(r"LEA-20\d\d-000001", receipt["case_number"])
    assert (receipt["unit"], receipt["rule"]) == ("B2", "b-academic-g-k")
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", receipt["verification_code"])
    assert receipt["fiktionswirkung"] is True
    pdf = client.get(f"/internal/confirmations/{receipt['download_token']}", params={"conversation_id": "conv-1"}, headers=INTERNAL)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert receipt["case_number"] in text and receipt["verification_code"] in text
    assert post(client, given_names="Other", idempotency_key="key-second-case").json()["case_number"].endswith("000002")


def test_a_retry_with_the_same_key_returns_the_same_case(client, ctx):
    body = submission()
    first = client.post("/internal/cases", json=body, headers=INTERNAL)
    again = client.post("/internal/cases", json=body, headers=INTERNAL)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["status"] == "existing"
    for field in ("case_number", "unit", "rule", "received_at", "verification_code", "fiktionswirkung"):
        assert again.json()[field] == first.json()[field]
    assert again.json()["download_token"] != first.json()["download_token"]
    assert counts(ctx) == {"cases": 1, "case_entries": 1, "uploads": 0}


def test_the_same_key_from_another_conversation_is_refused(client, ctx):
    body = submission()
    client.post("/internal/cases", json=body, headers=INTERNAL)
    response = client.post("/internal/cases", json={**body, "conversation_id": "conv-2"}, headers=INTERNAL)
    assert response.status_code == 422 and response.json()["error"] == "idempotency_conflict"


def test_the_same_person_and_concern_while_open_becomes_a_follow_up(client, ctx):
    first = post(client).json()
    file_id = upload(client, conversation_id="conv-9").json()["upload_id"]
    # Same person written differently, from another conversation, with a new file.
    second = post(client, conversation_id="conv-9", given_names="  AMÍRA ", family_name="haddad",
                  message="Nachtrag: Arbeitsvertrag", upload_ids=[file_id])
    assert second.status_code == 200
    receipt = second.json()
    assert receipt["status"] == "follow_up"
    assert receipt["case_number"] == first["case_number"]
    assert receipt["verification_code"] == first["verification_code"]
    assert counts(ctx) == {"cases": 1, "case_entries": 2, "uploads": 1}
    detail = client.get(f"/staff/api/cases/{first['case_number']}", headers=staff("B2")).json()
    assert [e["kind"] for e in detail["entries"]] == ["initial", "follow_up"]
    assert detail["entries"][1]["message"] == "Nachtrag: Arbeitsvertrag"
    assert [a["upload_id"] for a in detail["entries"][1]["attachments"]] == [file_id]
    # Another conversation adding a follow-up never gets the original confirmation PDF.
    assert receipt["download_token"] == ""
    assert client.get("/internal/cases/by-conversation/conv-9", headers=INTERNAL).json() == []


def test_another_concern_or_a_done_case_opens_a_new_case(client, ctx):
    first = post(client).json()
    other = post(client, concern="lost_card", purpose=None, title_kind="residence_permit")
    assert other.status_code == 201 and other.json()["case_number"] != first["case_number"]
    assert client.post(f"/staff/api/cases/{first['case_number']}/done", headers=staff("B2")).status_code == 200
    again = post(client)
    assert again.status_code == 201 and again.json()["case_number"] not in (first["case_number"], other.json()["case_number"])


def test_a_family_member_goes_to_the_unit_of_the_principal(client):
    principal = post(client, purpose="research", family_name="Lopes", nationality="BRA").json()
    assert principal["unit"] == "B3"
    member = post(client, purpose="family_spouse", given_names="Ana", family_name="Silva", nationality="BRA",
                  principal_case_number=principal["case_number"].lower()).json()
    assert (member["unit"], member["rule"]) == ("B3", "family-follows-principal")
    unknown = post(client, purpose="family_spouse", given_names="Rui", family_name="Silva", nationality="BRA",
                   principal_case_number="LEA-1999-000001").json()
    assert (unknown["unit"], unknown["rule"]) == ("E2", "e2-africa-americas")


def test_tolerated_persons_go_to_department_a_and_no_fiktionswirkung_without_an_eligible_title(client):
    receipt = post(client, concern="residence_permit_issue", purpose="humanitarian", title_kind="toleration",
                   nationality="AFG", family_name="Ahmadi").json()
    assert (receipt["unit"], receipt["rule"], receipt["fiktionswirkung"]) == ("A2", "a-surname-a-c", False)


def test_unknown_catalogue_references_are_refused_and_nothing_is_stored(client, ctx):
    for overrides, code in (({"concern": "citizenship"}, "unknown_concern"),
                            ({"purpose": "tourism"}, "unknown_purpose"),
                            ({"concern": "lost_card", "purpose": "study"}, "unknown_purpose"),
                            ({"nationality": "ABC"}, "unknown_nationality")):
        response = post(client, **overrides)
        assert response.status_code == 422 and response.json()["error"] == code, overrides
        assert set(response.json()["message"]) == {"de", "en"}
    assert counts(ctx) == {"cases": 0, "case_entries": 0, "uploads": 0}


def test_receipts_of_a_conversation_come_oldest_first_with_fresh_tokens(client):
    first = post(client).json()
    second = post(client, concern="lost_card", purpose=None).json()
    listed = client.get("/internal/cases/by-conversation/conv-1", headers=INTERNAL).json()
    assert [r["case_number"] for r in listed] == [first["case_number"], second["case_number"]]
    assert all(r["status"] == "existing" for r in listed)
    assert listed[1]["download_token"] != second["download_token"]
    assert client.get(f"/internal/confirmations/{listed[1]['download_token']}",
                      params={"conversation_id": "conv-1"}, headers=INTERNAL).status_code == 200
    assert client.get("/internal/cases/by-conversation/conv-unknown", headers=INTERNAL).json() == []
