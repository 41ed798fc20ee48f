"""Uploads: checks on receipt, per-conversation limits, ownership when a case claims them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backend.conftest import INTERNAL, submission
from tests.backend.helpers import PDF, PNG, counts, upload


def test_a_clean_file_is_stored_for_its_conversation(client, settings):
    response = upload(client)
    assert response.status_code == 201
    record = response.json()
    assert record["conversation_id"] == "conv-1" and record["size"] == len(PDF)
    assert record["verdict"]["clean"] is True and record["verdict"]["signature"] is None
    stored = list(Path(settings.var_dir, "attachments").rglob("*"))
    assert any(p.is_file() and p.read_bytes() == PDF for p in stored)
    again = upload(client)  # the gateway retrying: the same record, not a second file
    assert again.status_code == 200 and again.json()["upload_id"] == record["upload_id"]
    listed = client.get("/internal/uploads", params={"conversation_id": "conv-1"}, headers=INTERNAL).json()
    assert [u["upload_id"] for u in listed] == [record["upload_id"]]
    assert client.get("/internal/uploads", params={"conversation_id": "conv-2"}, headers=INTERNAL).json() == []


@pytest.mark.parametrize("kwargs, status, code", [
    ({"scan_signature": "Eicar-Test-Signature"}, 422, "not_clean"),
    ({"sha256": "0" * 64}, 422, "sha256_mismatch"),
    ({"content_type": "image/png"}, 422, "content_type_mismatch"),
    ({"content_type": "application/zip"}, 422, "unsupported_type"),
    ({"data": b""}, 422, "empty_file"),
    ({"scanned_at": "yesterday"}, 422, "invalid_scanned_at"),
    ({"sha256": "not-a-hash"}, 422, "invalid_request"),
])
def test_bad_files_are_refused_with_a_code_and_nothing_is_stored(client, ctx, settings, kwargs, status, code):
    response = upload(client, **kwargs)
    assert response.status_code == status and response.json()["error"] == code
    assert counts(ctx)["uploads"] == 0
    assert not any(p.is_file() for p in Path(settings.var_dir).rglob("attachments/**/*"))


def test_per_conversation_limits(client, ctx, settings):
    settings.upload_max_files = 2
    settings.upload_max_total_bytes = len(PDF) + len(PNG) + 10
    assert upload(client, data=PDF).status_code == 201
    assert upload(client, data=PNG, content_type="image/png", filename="p.png").status_code == 201
    too_many = upload(client, data=PDF + b"x")
    assert too_many.status_code == 409 and too_many.json()["error"] == "too_many_files"
    settings.upload_max_files = 5
    too_big_total = upload(client, data=PDF + b"y" * 20)
    assert too_big_total.status_code == 413 and too_big_total.json()["error"] == "total_too_large"
    settings.upload_max_file_bytes = 10
    too_big = upload(client, conversation_id="conv-2")
    assert too_big.status_code == 413 and too_big.json()["error"] == "file_too_large"
    assert counts(ctx)["uploads"] == 2


def test_a_pending_upload_can_be_deleted_only_by_its_conversation(client, ctx):
    upload_id = upload(client).json()["upload_id"]
    wrong = client.delete(f"/internal/uploads/{upload_id}", params={"conversation_id": "conv-2"}, headers=INTERNAL)
    assert wrong.status_code == 404
    assert client.delete(f"/internal/uploads/{upload_id}", params={"conversation_id": "conv-1"},
                         headers=INTERNAL).status_code == 204
    assert counts(ctx)["uploads"] == 0
    assert client.delete(f"/internal/uploads/{upload_id}", params={"conversation_id": "conv-1"},
                         headers=INTERNAL).status_code == 404


def test_another_conversations_upload_is_refused_and_nothing_is_stored(client, ctx):
    mine = upload(client, conversation_id="conv-1").json()["upload_id"]
    theirs = upload(client, conversation_id="conv-2").json()["upload_id"]
    response = client.post("/internal/cases", json=submission(upload_ids=[mine, theirs]), headers=INTERNAL)
    assert response.status_code == 422 and response.json()["error"] == "upload_not_available"
    assert counts(ctx) == {"cases": 0, "case_entries": 0, "uploads": 2}
    # Still pending for conv-1, and a correct submission then succeeds with it.
    ok = client.post("/internal/cases", json=submission(upload_ids=[mine]), headers=INTERNAL)
    assert ok.status_code == 201


def test_an_upload_attached_to_a_case_cannot_be_attached_or_deleted_again(client, ctx):
    file_id = upload(client).json()["upload_id"]
    assert client.post("/internal/cases", json=submission(upload_ids=[file_id]), headers=INTERNAL).status_code == 201
    other = submission(upload_ids=[file_id], concern="lost_card", purpose=None)
    response = client.post("/internal/cases", json=other, headers=INTERNAL)
    assert response.status_code == 422 and response.json()["error"] == "upload_not_available"
    assert client.delete(f"/internal/uploads/{file_id}", params={"conversation_id": "conv-1"},
                         headers=INTERNAL).status_code == 404
    assert client.get("/internal/uploads", params={"conversation_id": "conv-1"}, headers=INTERNAL).json() == []
    dup = client.post("/internal/cases", json=submission(upload_ids=["a", "a"], concern="other", purpose=None),
                      headers=INTERNAL)
    assert dup.status_code == 422 and dup.json()["error"] == "duplicate_upload_ids"
    assert counts(ctx)["cases"] == 1
