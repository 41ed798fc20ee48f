"""Follow-ups by case number + verification code: a genuine client adds to their own case
from any conversation; wrong codes and unknown numbers get one neutral answer; repeated
failures lock the case for follow-ups and are audited."""

from __future__ import annotations

from datetime import timedelta

from tests.backend.conftest import INTERNAL, staff, submission
from tests.backend.helpers import audit_rows, counts, upload


def _case(client) -> dict:
    return client.post("/internal/cases", json=submission(), headers=INTERNAL).json()


def follow_up(client, case_number: str, code: str, conversation_id: str = "conv-phone", **extra):
    body = {"idempotency_key": extra.pop("idempotency_key", f"fu-{conversation_id}-{code}-{len(extra)}"),
            "conversation_id": conversation_id, "case_number": case_number, "verification_code": code,
            "message": "Neuer Arbeitsvertrag", **extra}
    return client.post("/internal/cases/follow-ups", json=body, headers=INTERNAL)


def test_the_right_number_and_code_add_to_the_case_from_any_conversation(client, ctx):
    case = _case(client)
    file_id = upload(client, conversation_id="conv-phone").json()["upload_id"]
    # Typed as a client would: lower case, spaces, O for 0 and I for 1 are accepted.
    typed_code = case["verification_code"].lower().replace("-", " ")
    response = follow_up(client, case["case_number"].lower(), typed_code, upload_ids=[file_id],
                         idempotency_key="fu-key-1")
    assert response.status_code == 201
    assert response.json()["status"] == "added" and response.json()["case_number"] == case["case_number"]
    # Nothing personal comes back: no name, no PDF link, no verification code.
    assert set(response.json()) == {"status", "case_number", "received_at"}
    again = follow_up(client, case["case_number"], typed_code, upload_ids=[file_id], idempotency_key="fu-key-1")
    assert again.status_code == 200 and again.json()["status"] == "existing"
    detail = client.get(f"/staff/api/cases/{case['case_number']}", headers=staff("B2")).json()
    assert [e["kind"] for e in detail["entries"]] == ["initial", "by_code"]
    assert detail["entries"][1]["message"] == "Neuer Arbeitsvertrag"
    assert [a["upload_id"] for a in detail["entries"][1]["attachments"]] == [file_id]
    assert counts(ctx) == {"cases": 1, "case_entries": 2, "uploads": 1}
    # The follow-up gives that conversation no access to the case's confirmation.
    assert client.get("/internal/cases/by-conversation/conv-phone", headers=INTERNAL).json() == []
    assert ("client", "follow_up_added", case["case_number"], True) in audit_rows(ctx)


def test_a_wrong_code_and_an_unknown_number_get_the_same_neutral_answer(client, ctx):
    case = _case(client)
    wrong = follow_up(client, case["case_number"], "ABCD-EFGH-JKMN")
    unknown = follow_up(client, "LEA-2026-999999", case["verification_code"])
    garbage = follow_up(client, "nonsense", "not a code")
    assert wrong.status_code == unknown.status_code == garbage.status_code == 404
    assert wrong.json() == unknown.json() == garbage.json()
    assert wrong.json()["error"] == "follow_up_refused" and set(wrong.json()["message"]) == {"de", "en"}
    assert case["case_number"] not in wrong.text
    assert counts(ctx) == {"cases": 1, "case_entries": 1, "uploads": 0}
    assert [row for row in audit_rows(ctx) if row[0] == "client"] == [
        ("client", "follow_up_code", case["case_number"], False),
        ("client", "follow_up_code", None, False),
        ("client", "follow_up_code", None, False),
    ]


def test_five_wrong_codes_lock_the_case_even_for_the_right_code_until_the_lock_ends(client, ctx):
    case = _case(client)
    for attempt in range(5):
        response = follow_up(client, case["case_number"], f"ABCD-EFGH-JK{attempt}M", conversation_id=f"conv-{attempt}")
        assert response.status_code == 404
    right = follow_up(client, case["case_number"], case["verification_code"])
    # Locked: even the right code gets the neutral answer (a lock must not reveal the case either).
    assert right.status_code == 404 and right.json() == follow_up(client, "LEA-2026-999999", "x").json()
    actions = [row[1] for row in audit_rows(ctx) if row[2] == case["case_number"]]
    assert actions == ["follow_up_code"] * 4 + ["follow_up_lock", "follow_up_locked"]
    assert counts(ctx)["case_entries"] == 1
    later = ctx.clock() + timedelta(hours=25)
    ctx.clock = lambda: later
    assert follow_up(client, case["case_number"], case["verification_code"]).status_code == 201


def test_check_only_verifies_without_adding_and_a_closed_case_says_so_only_to_the_code_holder(client, ctx):
    case = _case(client)
    checked = follow_up(client, case["case_number"], case["verification_code"], check_only=True)
    assert checked.status_code == 200 and checked.json()["status"] == "verified"
    assert counts(ctx)["case_entries"] == 1
    client.post(f"/staff/api/cases/{case['case_number']}/done", headers=staff("B2"))
    closed = follow_up(client, case["case_number"], case["verification_code"], idempotency_key="fu-closed")
    assert closed.status_code == 409 and closed.json()["error"] == "case_closed"
    assert follow_up(client, case["case_number"], "ABCD-EFGH-JKMN").status_code == 404


def test_a_follow_up_cannot_take_another_conversations_files_or_reuse_a_key(client, ctx):
    case = _case(client)
    foreign_file = upload(client, conversation_id="conv-other").json()["upload_id"]
    taken = follow_up(client, case["case_number"], case["verification_code"], upload_ids=[foreign_file])
    assert taken.status_code == 422 and taken.json()["error"] == "upload_not_available"
    body = submission(idempotency_key="shared-key", conversation_id="conv-phone")
    client.post("/internal/cases", json=body, headers=INTERNAL)
    reused = follow_up(client, case["case_number"], case["verification_code"], idempotency_key="shared-key")
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_conflict"
