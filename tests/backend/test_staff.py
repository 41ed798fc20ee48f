"""Staff API: unit isolation (401/404 without leaks), audit trail, closing cases, files."""

from __future__ import annotations

from tests.backend.conftest import INTERNAL, STAFF_TOKENS, staff, submission
from tests.backend.helpers import PDF, audit_rows, upload


def _case(client, **overrides) -> dict:
    return client.post("/internal/cases", json=submission(**overrides), headers=INTERNAL).json()


def test_missing_or_wrong_tokens_get_401(client, ctx):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": STAFF_TOKENS["E1"]},
                    {"Authorization": f"Basic {STAFF_TOKENS['E1']}"}, {"X-Internal-Token": INTERNAL["X-Internal-Token"]}):
        response = client.get("/staff/api/cases", headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["error"] == "unauthorized"
    assert audit_rows(ctx) == []


def test_a_unit_sees_only_its_own_cases_and_every_access_is_audited(client, ctx):
    mine = _case(client)  # B2
    theirs = _case(client, purpose="family_spouse", given_names="Omar", nationality="IRQ")  # E1
    assert (mine["unit"], theirs["unit"]) == ("B2", "E1")
    listed = client.get("/staff/api/cases", headers=staff("B2")).json()
    assert [c["case_number"] for c in listed] == [mine["case_number"]]
    detail = client.get(f"/staff/api/cases/{mine['case_number']}", headers=staff("B2"))
    assert detail.status_code == 200 and detail.json()["rule"] == "b-academic-g-k"
    foreign = client.get(f"/staff/api/cases/{theirs['case_number']}", headers=staff("B2"))
    missing = client.get("/staff/api/cases/LEA-2000-999999", headers=staff("B2"))
    # Another unit's case and a case that does not exist look exactly alike.
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    for path in ("done", "confirmation.pdf"):
        method = client.post if path == "done" else client.get
        assert method(f"/staff/api/cases/{theirs['case_number']}/{path}", headers=staff("B2")).status_code == 404
    assert audit_rows(ctx) == [
        ("B2", "list", None, True),
        ("B2", "read", mine["case_number"], True),
        ("B2", "read", theirs["case_number"], False),
        ("B2", "read", "LEA-2000-999999", False),
        ("B2", "done", theirs["case_number"], False),
        ("B2", "read_confirmation", theirs["case_number"], False),
    ]
    assert client.get(f"/staff/api/cases/{theirs['case_number']}", headers=staff("E1")).status_code == 200


def test_filters_of_the_case_list(client):
    first = _case(client)
    _case(client, concern="lost_card", purpose=None, nationality="JOR")
    client.post(f"/staff/api/cases/{first['case_number']}/done", headers=staff("B2"))
    by_status = client.get("/staff/api/cases", params={"status": "done"}, headers=staff("B2")).json()
    assert [c["case_number"] for c in by_status] == [first["case_number"]]
    by_concern = client.get("/staff/api/cases", params={"concern": "lost_card"}, headers=staff("E1")).json()
    assert len(by_concern) == 1 and by_concern[0]["concern"] == "lost_card"
    assert client.get("/staff/api/cases", params={"received_to": "2000-01-01"}, headers=staff("B2")).json() == []
    assert len(client.get("/staff/api/cases", params={"received_from": "2000-01-01"}, headers=staff("B2")).json()) == 1
    bad = client.get("/staff/api/cases", params={"status": "lost"}, headers=staff("B2"))
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"


def test_done_closes_the_case_and_files_and_the_pdf_can_be_fetched(client, ctx):
    file_id = upload(client, filename="Pass Ü.pdf").json()["upload_id"]
    case = _case(client, upload_ids=[file_id])
    number = case["case_number"]
    done = client.post(f"/staff/api/cases/{number}/done", headers=staff("B2"))
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["done_at"]
    again = client.post(f"/staff/api/cases/{number}/done", headers=staff("B2"))
    assert again.json()["done_at"] == done.json()["done_at"]
    attachment = client.get(f"/staff/api/cases/{number}/attachments/{file_id}", headers=staff("B2"))
    assert attachment.status_code == 200 and attachment.content == PDF
    assert "Pass%20%C3%9C.pdf" in attachment.headers["content-disposition"]
    assert client.get(f"/staff/api/cases/{number}/attachments/other", headers=staff("B2")).status_code == 404
    pdf = client.get(f"/staff/api/cases/{number}/confirmation.pdf", headers=staff("B2"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    actions = [row[1] for row in audit_rows(ctx)]
    assert actions == ["done", "done", "read_attachment", "read_attachment", "read_confirmation"]


def test_staff_find_a_case_by_its_number_typed_loosely(client):
    mine = _case(client)  # B2
    loose = mine["case_number"].lower().replace("-", " ")
    found = client.get(f"/staff/api/cases/{loose}", headers=staff("B2"))
    assert found.status_code == 200 and found.json()["case_number"] == mine["case_number"]
