"""Retention: done cases and their files are deleted after the retention period, nothing earlier."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from bot.backend.retention import purge_expired
from tests.backend.conftest import INTERNAL, staff, submission
from tests.backend.helpers import counts, upload


def _files(settings) -> list[Path]:
    return [p for p in Path(settings.var_dir, "attachments").rglob("*") if p.is_file()]


def test_done_cases_are_purged_after_the_retention_period(client, ctx, settings, caplog):
    file_id = upload(client).json()["upload_id"]
    done = client.post("/internal/cases", json=submission(upload_ids=[file_id]), headers=INTERNAL).json()
    open_case = client.post("/internal/cases", json=submission(concern="lost_card", purpose=None), headers=INTERNAL).json()
    client.post(f"/staff/api/cases/{done['case_number']}/done", headers=staff("B2"))
    now = ctx.clock()
    assert purge_expired(ctx, now + timedelta(days=settings.retention_days_after_done - 1)).cases == 0
    assert counts(ctx)["cases"] == 2 and len(_files(settings)) == 1
    with caplog.at_level(logging.INFO, logger="bot.backend.retention"):
        result = purge_expired(ctx, now + timedelta(days=settings.retention_days_after_done, minutes=1))
    assert (result.cases, result.uploads) == (1, 1)
    assert counts(ctx) == {"cases": 1, "case_entries": 1, "uploads": 0}
    assert _files(settings) == []
    assert client.get(f"/internal/verify/{done['verification_code']}", headers=INTERNAL).status_code == 404
    assert client.get(f"/internal/verify/{open_case['verification_code']}", headers=INTERNAL).status_code == 200
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "deleted 1 case(s)" in logged and "Haddad" not in logged and done["case_number"] not in logged


def test_uploads_never_submitted_are_purged_after_a_day(client, ctx, settings):
    upload(client)
    now = ctx.clock()
    assert purge_expired(ctx, now + timedelta(seconds=settings.tracker_retention_s - 60)).uploads == 0
    assert purge_expired(ctx, now + timedelta(seconds=settings.tracker_retention_s + 60)).uploads == 1
    assert _files(settings) == [] and counts(ctx)["uploads"] == 0


def test_purging_a_case_keeps_its_open_possible_duplicate_and_drops_the_link(client, ctx, settings):
    first = client.post("/internal/cases", json=submission(), headers=INTERNAL).json()
    duplicate = client.post("/internal/cases", json=submission(conversation_id="conv-9"), headers=INTERNAL).json()
    client.post(f"/staff/api/cases/{first['case_number']}/done", headers=staff("B2"))
    purge_expired(ctx, ctx.clock() + timedelta(days=settings.retention_days_after_done, minutes=1))
    kept = client.get(f"/staff/api/cases/{duplicate['case_number']}", headers=staff("B2")).json()
    assert kept["status"] == "open" and kept["possible_duplicate_of"] is None and kept["flags"] == []
