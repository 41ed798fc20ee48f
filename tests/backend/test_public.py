"""Public verification, download links (404/410), health and bad input."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.backend.conftest import INTERNAL, submission
from tests.backend.helpers import counts


def _receipt(client) -> dict:
    return client.post("/internal/cases", json=submission(), headers=INTERNAL).json()


def test_verification_confirms_a_genuine_code_and_nothing_more(client):
    """Internal lookup for the gateway's public page: what lets an employer spot an edited
    PDF (name, document as stated, certified or not), nothing more (issue 13)."""
    receipt = _receipt(client)
    code = receipt["verification_code"]
    response = client.get(f"/internal/verify/{code}", headers=INTERNAL)
    assert response.status_code == 200
    body = response.json()
    assert body == {"genuine": True, "verification_code": code, "case_number": receipt["case_number"],
                    "received_at": body["received_at"], "given_names": "Amira", "family_name": "Haddad",
                    "title_kind": "residence_permit", "title_expiry": "2099-01-31",
                    "fiktionswirkung_certified": True}
    assert body["received_at"][:19] == receipt["received_at"][:19]
    typed = code.lower().replace("-", " ").replace("0", "o")  # as a person may type it
    assert client.get(f"/internal/verify/{typed}", headers=INTERNAL).json()["genuine"] is True
    for wrong in ("AAAA-AAAA-AAAA", "short", code[:-1] + ("Z" if code[-1] != "Z" else "Y"), "x" * 300):
        response = client.get(f"/internal/verify/{wrong}", headers=INTERNAL)
        assert response.status_code == 404 and "Haddad" not in response.text, wrong
    # Only our own services may ask; the backend serves no public verification any more.
    assert client.get(f"/internal/verify/{code}").status_code == 401
    assert client.get(f"/verify/{code}").status_code == 404


def test_download_links_are_bound_to_the_conversation_and_expire(client, ctx):
    receipt = _receipt(client)
    token = receipt["download_token"]
    url = f"/internal/confirmations/{token}"
    assert client.get(url, params={"conversation_id": "conv-1"}, headers=INTERNAL).status_code == 200
    wrong = client.get(url, params={"conversation_id": "conv-2"}, headers=INTERNAL)
    assert wrong.status_code == 404 and wrong.json()["error"] == "not_found"
    assert client.get("/internal/confirmations/unknown-token", params={"conversation_id": "conv-1"},
                      headers=INTERNAL).status_code == 404
    assert client.get(url, params={"conversation_id": "conv-1"}).status_code == 401
    later = ctx.clock() + timedelta(seconds=ctx.settings.download_link_ttl_s + 1)
    ctx.clock = lambda: later
    expired = client.get(url, params={"conversation_id": "conv-1"}, headers=INTERNAL)
    assert expired.status_code == 410 and expired.json()["error"] == "link_expired"
    assert set(expired.json()["message"]) == {"de", "en"}


def test_health_and_openapi(client):
    assert client.get("/health").json() == {"status": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/internal/uploads", "/internal/cases", "/internal/confirmations/{download_token}",
                 "/internal/cases/by-conversation/{conversation_id}", "/internal/verify/{code}", "/staff/api/cases",
                 "/staff/api/cases/{case_number}/done"):
        assert path in paths


def test_internal_api_needs_the_internal_token(client, ctx):
    for headers in ({}, {"X-Internal-Token": "wrong"}):
        response = client.post("/internal/cases", json=submission(), headers=headers)
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert counts(ctx)["cases"] == 0


def test_malformed_and_invalid_bodies_get_clear_errors_and_change_nothing(client, ctx):
    headers = {**INTERNAL, "Content-Type": "application/json"}
    broken = client.post("/internal/cases", content=b'{"concern": ', headers=headers)
    assert broken.status_code == 400 and broken.json()["error"] == "malformed_json"
    invalid = client.post("/internal/cases", json=submission(email="not-an-email", date_of_birth="31.02.1990"),
                          headers=INTERNAL)
    assert invalid.status_code == 422 and invalid.json()["error"] == "invalid_request"
    assert {tuple(f["loc"]) for f in invalid.json()["fields"]} == {("body", "email"), ("body", "date_of_birth")}
    assert "not-an-email" not in invalid.text and "31.02.1990" not in invalid.text  # no values echoed
    too_many = client.post("/internal/cases", json=submission(upload_ids=[str(i) for i in range(6)]), headers=INTERNAL)
    assert too_many.status_code == 422
    huge = json.dumps(submission(message="x" * 70_000)).encode()
    too_big = client.post("/internal/cases", content=huge, headers=headers)
    assert too_big.status_code == 413 and too_big.json()["error"] == "body_too_large"

    def chunks():  # no Content-Length: the limit counts the bytes actually sent
        for _ in range(20):
            yield b" " * 8192

    streamed = client.post("/internal/cases", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    big_upload = client.post("/internal/uploads", content=b"x" * (ctx.settings.upload_max_file_bytes + 2 * 1024 * 1024),
                             headers={**INTERNAL, "Content-Type": "multipart/form-data; boundary=x"})
    assert big_upload.status_code == 413
    assert client.get("/internal/nothing", headers=INTERNAL).json()["error"] == "not_found"
    assert counts(ctx) == {"cases": 0, "case_entries": 0, "uploads": 0}
