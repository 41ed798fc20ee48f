"""Follow-ups: who may add to a case.

Attack (issue 12, last gap): an employer or anyone else shown a client's confirmation PDF
has its case number and verification code, and that was enough to add entries to the
client's case. Now the verification code only verifies; adding needs the conversation
that opened the case, or its follow-up key, which only that conversation was shown.
Wrong keys and unknown numbers get one neutral answer; repeated wrong keys slow down
their source (never the case: tests/backend/test_follow_up_throttle.py) and are audited.
"""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from bot.backend.security import follow_up_key, normalise_key
from tests.backend.conftest import INTERNAL, staff, submission
from tests.backend.helpers import audit_rows, counts, upload


def _case(client, **overrides) -> dict:
    return client.post("/internal/cases", json=submission(**overrides), headers=INTERNAL).json()


def follow_up(client, case_number: str, key: str = "", conversation_id: str = "conv-phone", **extra):
    body = {"idempotency_key": extra.pop("idempotency_key", f"fu-{conversation_id}-{key}-{len(extra)}"),
            "conversation_id": conversation_id, "case_number": case_number, "follow_up_key": key,
            "message": "Neuer Arbeitsvertrag", **extra}
    return client.post("/internal/cases/follow-ups", json=body, headers=INTERNAL)


def _kinds(client, case_number: str) -> list[str]:
    detail = client.get(f"/staff/api/cases/{case_number}", headers=staff("B2")).json()
    return [e["kind"] for e in detail["entries"]]


def _pdf_text(client, receipt: dict) -> str:
    pdf = client.get(f"/internal/confirmations/{receipt['download_token']}", params={"conversation_id": "conv-1"},
                     headers=INTERNAL)
    assert pdf.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)


def test_the_pdf_holder_cannot_add_with_the_number_and_verification_code(client, ctx):
    case = _case(client)
    pdf = _pdf_text(client, case)
    assert case["case_number"] in pdf and case["verification_code"] in pdf  # what an employer sees
    employer = follow_up(client, case["case_number"], case["verification_code"], conversation_id="conv-employer")
    # Also as the old wire field (the earlier model): ignored, so no key.
    old_field = client.post("/internal/cases/follow-ups", headers=INTERNAL, json={
        "idempotency_key": "fu-old-field", "conversation_id": "conv-employer", "case_number": case["case_number"],
        "verification_code": case["verification_code"], "message": "x"})
    unknown = follow_up(client, "LEA-2026-999999", case["verification_code"], conversation_id="conv-employer")
    assert employer.status_code == old_field.status_code == unknown.status_code == 404
    assert employer.json() == old_field.json() == unknown.json()
    assert _kinds(client, case["case_number"]) == ["initial"]
    # Nothing was guessed: the case is not brought closer to its lock by PDF holders.
    assert [r[1] for r in audit_rows(ctx) if r[0] == "client" and r[2]] == ["follow_up_no_key"] * 2


def test_the_follow_up_key_is_shown_only_to_the_opening_conversation_and_never_printed(client, ctx):
    case = _case(client)
    key = case["follow_up_key"]
    assert normalise_key(key) == key and len(key) == 19
    assert key == ctx.follow_up_key(case["case_number"], case["verification_code"])
    assert key.replace("-", "") not in _pdf_text(client, case).replace("-", "").replace(" ", "")
    verify = client.get(f"/internal/verify/{case['verification_code']}", headers=INTERNAL)
    assert verify.status_code == 200 and key not in verify.text
    again = client.get("/internal/cases/by-conversation/conv-1", headers=INTERNAL).json()
    assert [r["follow_up_key"] for r in again] == [key]
    # Another conversation submitting the same person gets its own case and its own key.
    other = _case(client, conversation_id="conv-stranger")
    assert other["case_number"] != case["case_number"] and other["follow_up_key"] not in (None, key)
    assert client.get("/internal/cases/by-conversation/conv-phone", headers=INTERNAL).json() == []


def test_the_client_adds_with_the_key_from_any_conversation(client, ctx):
    case = _case(client)
    file_id = upload(client, conversation_id="conv-phone").json()["upload_id"]
    # Typed as a client would: lower case, spaces, O for 0 and I for 1 are accepted.
    typed = case["follow_up_key"].lower().replace("-", " ")
    response = follow_up(client, case["case_number"].lower(), typed, upload_ids=[file_id], idempotency_key="fu-key-1")
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "added" and response.json()["case_number"] == case["case_number"]
    # Nothing personal comes back: no name, no PDF link, no key or code.
    assert set(response.json()) == {"status", "case_number", "received_at"}
    again = follow_up(client, case["case_number"], typed, upload_ids=[file_id], idempotency_key="fu-key-1")
    assert again.status_code == 200 and again.json()["status"] == "existing"
    detail = client.get(f"/staff/api/cases/{case['case_number']}", headers=staff("B2")).json()
    assert [e["kind"] for e in detail["entries"]] == ["initial", "by_key"]
    assert detail["entries"][1]["message"] == "Neuer Arbeitsvertrag"
    assert [a["upload_id"] for a in detail["entries"][1]["attachments"]] == [file_id]
    assert counts(ctx) == {"cases": 1, "case_entries": 2, "uploads": 1}
    # The follow-up gives that conversation no access to the case's confirmation or key.
    assert client.get("/internal/cases/by-conversation/conv-phone", headers=INTERNAL).json() == []
    assert ("client", "follow_up_added", case["case_number"], True) in audit_rows(ctx)


def test_the_opening_conversation_adds_without_a_key(client):
    case = _case(client)
    own = follow_up(client, case["case_number"], "", conversation_id="conv-1", idempotency_key="fu-own-first")
    assert own.status_code == 201 and own.json()["status"] == "added"
    assert _kinds(client, case["case_number"]) == ["initial", "follow_up"]


def test_a_wrong_key_and_an_unknown_number_get_the_same_neutral_answer(client, ctx):
    case = _case(client)
    wrong = follow_up(client, case["case_number"], "ABCD-EFGH-JKMN-PQRS")
    unknown = follow_up(client, "LEA-2026-999999", case["follow_up_key"])
    garbage = follow_up(client, "nonsense", "not a key")
    assert wrong.status_code == unknown.status_code == garbage.status_code == 404
    assert wrong.json() == unknown.json() == garbage.json()
    assert wrong.json()["error"] == "follow_up_refused" and set(wrong.json()["message"]) == {"de", "en"}
    assert case["case_number"] not in wrong.text
    assert counts(ctx) == {"cases": 1, "case_entries": 1, "uploads": 0}
    assert [row for row in audit_rows(ctx) if row[0] == "client"] == [
        ("client", "follow_up_key", case["case_number"], False),
        ("client", "follow_up_key", None, False),
        ("client", "follow_up_key", None, False),
    ]


def test_wrong_keys_slow_down_their_source_not_the_case(client, ctx):
    """Five wrong keys from one conversation: it backs off for a minute; the client's key still works."""
    case = _case(client)
    for attempt in range(5):
        response = follow_up(client, case["case_number"], f"ABCD-EFGH-JKMN-PQR{attempt}",
                             conversation_id="conv-guesser")
        assert response.status_code == 404
    # The guessing conversation backs off: even the right key is not compared meanwhile.
    throttled = follow_up(client, case["case_number"], case["follow_up_key"], conversation_id="conv-guesser")
    assert throttled.status_code == 404 and throttled.json() == follow_up(client, "LEA-2026-999999", "x").json()
    actions = [row[1] for row in audit_rows(ctx) if row[2] == case["case_number"]]
    assert actions == ["follow_up_key"] * 4 + ["follow_up_backoff", "follow_up_throttled"]
    # The client, from another chat and from the opening one, is not affected.
    assert follow_up(client, case["case_number"], case["follow_up_key"]).status_code == 201
    own = follow_up(client, case["case_number"], "", conversation_id="conv-1", idempotency_key="fu-own-locked")
    assert own.status_code == 201
    # The back-off is short.
    later = ctx.clock() + timedelta(seconds=61)
    ctx.clock = lambda: later
    assert follow_up(client, case["case_number"], case["follow_up_key"], conversation_id="conv-guesser",
                     idempotency_key="fu-guesser-later").status_code == 201


def test_check_only_verifies_without_adding_and_a_closed_case_says_so_only_to_the_key_holder(client, ctx):
    case = _case(client)
    checked = follow_up(client, case["case_number"], case["follow_up_key"], check_only=True)
    assert checked.status_code == 200 and checked.json()["status"] == "verified"
    assert counts(ctx)["case_entries"] == 1
    client.post(f"/staff/api/cases/{case['case_number']}/done", headers=staff("B2"))
    closed = follow_up(client, case["case_number"], case["follow_up_key"], idempotency_key="fu-closed")
    assert closed.status_code == 409 and closed.json()["error"] == "case_closed"
    assert follow_up(client, case["case_number"], "ABCD-EFGH-JKMN-PQRS").status_code == 404
    assert follow_up(client, case["case_number"], case["verification_code"]).status_code == 404


def test_a_follow_up_cannot_take_another_conversations_files_or_reuse_a_key(client, ctx):
    case = _case(client)
    foreign_file = upload(client, conversation_id="conv-other").json()["upload_id"]
    taken = follow_up(client, case["case_number"], case["follow_up_key"], upload_ids=[foreign_file])
    assert taken.status_code == 422 and taken.json()["error"] == "upload_not_available"
    body = submission(idempotency_key="shared-key", conversation_id="conv-phone")
    client.post("/internal/cases", json=body, headers=INTERNAL)
    reused = follow_up(client, case["case_number"], case["follow_up_key"], idempotency_key="shared-key")
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_conflict"


def test_keys_are_derived_from_the_backends_secret():
    """Another secret (a rotation) gives other keys; cases older than the key have one too."""
    one = follow_up_key("secret-one-0123456789", "LEA-2026-000001", "ABCD-EFGH-JKMN")
    assert one == follow_up_key("secret-one-0123456789", "LEA-2026-000001", "ABCD-EFGH-JKMN")
    assert one != follow_up_key("secret-two-0123456789", "LEA-2026-000001", "ABCD-EFGH-JKMN")
    assert one != follow_up_key("secret-one-0123456789", "LEA-2026-000002", "ABCD-EFGH-JKMN")
    assert normalise_key(one.lower().replace("-", " ")) == one and normalise_key("ABCD-EFGH-JKMN") is None
