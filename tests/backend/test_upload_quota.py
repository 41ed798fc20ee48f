"""Disk quota for pending uploads: many conversations uploading without submitting cannot fill the disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.backend.app import create_app
from tests.backend.conftest import INTERNAL, submission
from tests.backend.helpers import PDF, counts, upload
from tests.faults.helpers import wait_for


@pytest.fixture
def small_quota(settings):
    """The backend with room for three pending files of any conversation."""
    quota = settings.model_copy(update={"upload_pending_quota_files": 3, "upload_pending_quota_bytes": 10 * len(PDF)})
    with TestClient(create_app(quota)) as test_client:
        yield test_client


def _pdf(n: int) -> bytes:
    return PDF + f"%{n}\n".encode()


def test_made_up_conversations_hit_the_global_quota(small_quota, caplog):
    stored = [upload(small_quota, conversation_id=f"made-up-{n}", data=_pdf(n)).status_code for n in range(3)]
    refused = upload(small_quota, conversation_id="made-up-9", data=_pdf(9))
    assert stored == [201, 201, 201]
    assert refused.status_code == 507 and refused.json()["error"] == "storage_full"
    assert set(refused.json()["message"]) == {"de", "en"} and refused.headers["retry-after"]
    assert "made-up" not in caplog.text  # the loud log names counts, not conversations
    assert counts(small_quota.app.state.ctx)["uploads"] == 3


def test_submitted_cases_free_the_quota(small_quota):
    ids = [upload(small_quota, conversation_id="conv-1", data=_pdf(n)).json()["upload_id"] for n in range(3)]
    assert upload(small_quota, conversation_id="conv-2", data=_pdf(7)).status_code == 507
    case = small_quota.post("/internal/cases", json=submission(upload_ids=ids), headers=INTERNAL)
    assert case.status_code == 201
    assert upload(small_quota, conversation_id="conv-2", data=_pdf(7)).status_code == 201


def test_a_restarted_backend_cleans_stale_pending_uploads_at_start(settings):
    with TestClient(create_app(settings)) as first:
        upload(first, conversation_id="stale", data=_pdf(1))
        files = [p for p in Path(settings.var_dir, "attachments").rglob("*") if p.is_file()]
        assert len(files) == 1
    later = settings.model_copy(update={"tracker_retention_s": 0})  # everything pending is stale now
    with TestClient(create_app(later)) as second:
        wait_for(lambda: counts(second.app.state.ctx)["uploads"] == 0, 10, "the purge at start")
    assert not files[0].exists()
