"""Case submission: receipts, idempotent retries, follow-ups, possible duplicates, family rule, refusals."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from bot import case_numbers

from tests.backend.conftest import INTERNAL, staff, submission
from tests.backend.helpers import counts, upload


def post(client, **overrides):
    return client.post("/internal/cases", json=submission(**overrides), headers=INTERNAL)


def test_a_new_case_is_routed_numbered_and_confirmed(client, ctx):
    response = post(client)
    assert response.status_code == 201
    receipt = response.json()
    assert receipt["status"] == "created"
    assert re.fullmatch(r"LEA-20\d\d-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", receipt["case_number"])
    assert case_numbers.canonical(receipt["case_number"]) == receipt["case_number"]  # its check character fits
    assert (receipt["unit"], receipt["rule"]) == ("B2", "b-academic-g-k")
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", receipt["verification_code"])
    assert receipt["fiktionswirkung"] is True
    pdf = client.get(f"/internal/confirmations/{receipt['download_token']}", params={"conversation_id": "conv-1"}, headers=INTERNAL)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert receipt["case_number"] in text and receipt["verification_code"] in text
    second = post(client, given_names="Other", idempotency_key="key-second-case").json()["case_number"]
    assert second != receipt["case_number"] and case_numbers.canonical(second) == second


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


def test_the_same_conversation_submitting_again_becomes_a_follow_up_of_its_own_case(client, ctx):
    first = post(client).json()
    file_id = upload(client).json()["upload_id"]
    # Same person written differently, a new enquiry (new key) of the same conversation.
    second = post(client, given_names="  AMÍRA ", family_name="haddad", message="Nachtrag: Arbeitsvertrag",
                  upload_ids=[file_id])
    assert second.status_code == 200
    receipt = second.json()
    assert (receipt["status"], receipt["case_number"]) == ("follow_up", first["case_number"])
    assert receipt["verification_code"] == first["verification_code"]
    assert counts(ctx) == {"cases": 1, "case_entries": 2, "uploads": 1}
    detail = client.get(f"/staff/api/cases/{first['case_number']}", headers=staff("B2")).json()
    assert [e["kind"] for e in detail["entries"]] == ["initial", "follow_up"]
    assert detail["entries"][1]["message"] == "Nachtrag: Arbeitsvertrag"
    assert [a["upload_id"] for a in detail["entries"][1]["attachments"]] == [file_id]
    assert detail["flags"] == [] and detail["linked_unverified"] == []


def _pdf_text(client, receipt: dict, conversation_id: str) -> str:
    pdf = client.get(f"/internal/confirmations/{receipt['download_token']}",
                     params={"conversation_id": conversation_id}, headers=INTERNAL)
    assert pdf.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)


def test_a_stranger_with_the_same_person_gets_a_case_of_its_own_and_learns_nothing(client, ctx):
    """Changed behaviour: another conversation no longer joins (or hears of) the open case."""
    first = post(client).json()
    file_id = upload(client, conversation_id="conv-9").json()["upload_id"]
    response = post(client, conversation_id="conv-9", given_names="  AMÍRA ", family_name="haddad",
                    email="someone@example.org", message="Nachtrag: Arbeitsvertrag", upload_ids=[file_id])
    # Exactly what a new case looks like: 201, created, own number, code and PDF.
    assert response.status_code == 201
    receipt = response.json()
    assert receipt["status"] == "created" and set(receipt) == set(first)
    assert receipt["case_number"] != first["case_number"]
    assert receipt["verification_code"] != first["verification_code"]
    assert first["case_number"] not in response.text and first["verification_code"] not in response.text
    text = _pdf_text(client, receipt, "conv-9")
    assert receipt["case_number"] in text and first["case_number"] not in text
    assert first["verification_code"] not in text
    listed = client.get("/internal/cases/by-conversation/conv-9", headers=INTERNAL).json()
    assert [r["case_number"] for r in listed] == [receipt["case_number"]]
    # Nothing was added to the original case: one entry, no files.
    original = client.get(f"/staff/api/cases/{first['case_number']}", headers=staff("B2")).json()
    assert [e["kind"] for e in original["entries"]] == ["initial"]
    assert original["entries"][0]["attachments"] == [] and original["email"] == "amira@example.org"
    assert counts(ctx) == {"cases": 2, "case_entries": 2, "uploads": 1}


def test_the_unit_sees_the_open_case_and_its_linked_unverified_submissions(client, ctx):
    first = post(client).json()
    stranger = post(client, conversation_id="conv-9").json()
    third = post(client, conversation_id="conv-10").json()
    listed = {c["case_number"]: c for c in client.get("/staff/api/cases", headers=staff("B2")).json()}
    assert set(listed) == {first["case_number"], stranger["case_number"], third["case_number"]}
    work_item = listed[first["case_number"]]
    assert work_item["flags"] == ["has_unverified_duplicates"] and work_item["possible_duplicate_of"] is None
    assert [d["case_number"] for d in work_item["linked_unverified"]] == [stranger["case_number"], third["case_number"]]
    for duplicate in (stranger, third):
        flagged = client.get(f"/staff/api/cases/{duplicate['case_number']}", headers=staff("B2")).json()
        assert flagged["flags"] == ["possible_duplicate_unverified"]
        assert flagged["possible_duplicate_of"]["case_number"] == first["case_number"]
        assert flagged["linked_unverified"] == []
    detail = client.get(f"/staff/api/cases/{first['case_number']}", headers=staff("B2")).json()
    assert detail["flags"] == ["has_unverified_duplicates"] and len(detail["linked_unverified"]) == 2
    # Each submitting conversation resubmitting stays on its own case (idempotent, follow-up).
    again = post(client, conversation_id="conv-9", message="noch etwas").json()
    assert (again["status"], again["case_number"]) == ("follow_up", stranger["case_number"])
    # Once the unit closes the open case, the next submission opens a fresh case.
    client.post(f"/staff/api/cases/{first['case_number']}/done", headers=staff("B2"))
    fresh = client.get(f"/staff/api/cases/{post(client, conversation_id='conv-11').json()['case_number']}",
                       headers=staff("B2")).json()
    assert fresh["flags"] == [] and fresh["possible_duplicate_of"] is None


def test_a_possible_duplicate_routed_elsewhere_is_open_to_the_unit_of_the_matched_case(client):
    first = post(client).json()  # B2: academic purpose
    other = post(client, conversation_id="conv-9", purpose="family_spouse").json()  # routed by its own data
    assert (first["unit"], other["unit"]) == ("B2", "E1")
    assert client.get(f"/staff/api/cases/{other['case_number']}", headers=staff("E1")).status_code == 200
    seen = client.get(f"/staff/api/cases/{other['case_number']}", headers=staff("B2"))
    assert seen.status_code == 200 and seen.json()["possible_duplicate_of"]["case_number"] == first["case_number"]
    assert client.get(f"/staff/api/cases/{other['case_number']}", headers=staff("E2")).status_code == 404


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


def test_typing_a_strangers_case_number_does_not_reveal_its_unit(client):
    """Attack (issue 12): anyone may type another person's case number as their "family member's".
    The case still goes to that unit (staff see it), but the client's receipt and PDF name no unit,
    and a known and an unknown number read alike (the answer does not say whether it exists)."""
    stranger = post(client, concern="residence_permit_issue", purpose="humanitarian", title_kind="toleration",
                    nationality="AFG", family_name="Ahmadi").json()
    assert stranger["unit"] == "A2"  # asylum and toleration: nobody else's business
    typed = post(client, purpose="family_spouse", given_names="Eve", family_name="Curious", nationality="BRA",
                 principal_case_number=stranger["case_number"], conversation_id="conv-curious").json()
    assert (typed["unit"], typed["rule"]) == ("A2", "family-follows-principal")  # routing intact
    made_up = post(client, purpose="family_spouse", given_names="Mallory", family_name="Curious", nationality="BRA",
                   principal_case_number="LEA-1999-000001", conversation_id="conv-curious-2").json()
    for receipt in (typed, made_up):
        names = receipt["unit_names"]
        assert names == {"de": "das Referat, das den Vorgang Ihres Familienangehörigen bearbeitet",
                         "en": "the unit handling your family member's case"}, names
        pdf = client.get(f"/internal/confirmations/{receipt['download_token']}",
                         params={"conversation_id": receipt_conversation(receipt, typed)}, headers=INTERNAL)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Asyl" not in text and "asylum" not in text and "A2" not in text.replace(receipt["case_number"], "")
    # Without a principal's number the client reads their unit's name as before.
    assert post(client, given_names="Other", idempotency_key="key-own-unit").json()["unit_names"]["en"].startswith("Unit ")


def receipt_conversation(receipt: dict, typed: dict) -> str:
    return "conv-curious" if receipt is typed else "conv-curious-2"


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
