"""accept_upload against the real clamd and the real backend (SQLite): only clean files are stored."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from bot.config import Settings
from bot.scanning.clamd_process import ClamdProcess
from bot.scanning.filetypes import JPEG, PDF, sniff
from bot.scanning.intake import OutcomeCode, UploadIntake, safe_filename
from bot.scanning.scanner import Scanner
from tests.scanning import samples

pytestmark = pytest.mark.asyncio


def conversation() -> str:
    return f"test-{uuid.uuid4().hex}"


def intake(settings: Settings) -> UploadIntake:
    return UploadIntake(settings, Scanner(settings))


@pytest.mark.parametrize(
    "make, content_type, name",
    [(samples.pdf, "application/pdf", "antrag.pdf"),
     (lambda: samples.image("JPEG"), "image/jpeg", "pass.jpg"),
     (lambda: samples.image("PNG"), "image/png", "foto.png")],
    ids=["pdf", "jpeg", "png"],
)
async def test_clean_files_are_accepted_and_stored(settings, make, content_type, name):
    cid, data, up = conversation(), make(), intake(settings)
    outcome = await up.accept_upload(cid, name, data, "application/octet-stream")
    assert outcome.code is OutcomeCode.accepted and outcome.accepted
    assert outcome.upload.content_type == content_type
    assert outcome.upload.size == len(data) and outcome.upload.verdict.clean
    assert [r.upload_id for r in await up.list_uploads(cid)] == [outcome.upload.upload_id]
    assert {"list", "scan", "store", "total"} <= outcome.timings_ms.keys()


@pytest.mark.parametrize(
    "data",
    [samples.pdf(attachment=samples.EICAR),
     samples.pdf(attachment=samples.zipped(samples.EICAR, depth=3), mime="application/zip")],
    ids=["eicar-in-pdf", "nested-zip-in-pdf"],
)
async def test_infected_pdf_is_refused_and_not_stored(settings, data):
    cid, up = conversation(), intake(settings)
    outcome = await up.accept_upload(cid, "antrag.pdf", data, "application/pdf")
    assert outcome.code is OutcomeCode.infected
    assert outcome.signature == "Intake.Test.EICAR.UNOFFICIAL"
    assert await up.list_uploads(cid) == []


@pytest.mark.parametrize(
    "data, code",
    [(b"", OutcomeCode.empty),
     (samples.EICAR, OutcomeCode.bad_type),
     (samples.zipped(samples.EICAR), OutcomeCode.bad_type),
     (samples.ELF, OutcomeCode.bad_type),
     ((samples.CLAMAV_TESTFILES / "clam.exe").read_bytes(), OutcomeCode.bad_type),
     (b"hello %PDF-1.4 not at the start", OutcomeCode.bad_type),
     (samples.random_bytes(300_001, PDF.magic), OutcomeCode.too_large)],
    ids=["empty", "eicar-text", "zip", "elf-named-pdf", "exe-named-pdf", "late-pdf-header", "over-size"],
)
async def test_policy_refusals_store_nothing(settings, data, code):
    cid, up = conversation(), intake(settings)
    outcome = await up.accept_upload(cid, "antrag.pdf", data, "application/pdf")
    assert outcome.code is code and not outcome.accepted
    assert await up.list_uploads(cid) == []


async def test_too_many_files(settings):
    cid, up = conversation(), intake(settings)
    for _ in range(settings.upload_max_files):
        assert (await up.accept_upload(cid, "a.pdf", samples.pdf(), None)).accepted
    outcome = await up.accept_upload(cid, "b.pdf", samples.pdf(), None)
    assert outcome.code is OutcomeCode.too_many
    assert len(await up.list_uploads(cid)) == settings.upload_max_files


async def test_total_size(settings):
    cid, up = conversation(), intake(settings)
    assert (await up.accept_upload(cid, "a.pdf", samples.pdf(pad=280_000), None)).accepted
    outcome = await up.accept_upload(cid, "b.pdf", samples.pdf(pad=240_000), None)
    assert outcome.code is OutcomeCode.total_too_large
    assert (await up.accept_upload(cid, "c.pdf", samples.pdf(pad=100_000), None)).accepted


async def test_clamd_stopped_stores_nothing_then_restart_accepts_the_same_file(backend, own_clamd, tmp_path):
    from tests.scanning.conftest import intake_settings

    settings = intake_settings(tmp_path, own_clamd.socket_path, backend.url)
    cid, up, data = conversation(), intake(settings), samples.pdf()
    own_clamd.stop()
    outcome = await up.accept_upload(cid, "antrag.pdf", data, "application/pdf")
    assert outcome.code is OutcomeCode.scanner_unavailable
    assert await up.list_uploads(cid) == []
    own_clamd.start()
    assert (await up.accept_upload(cid, "antrag.pdf", data, "application/pdf")).accepted


async def test_clamd_dies_while_ten_uploads_run(backend, own_clamd, tmp_path):
    from tests.scanning.conftest import intake_settings

    settings = intake_settings(tmp_path, own_clamd.socket_path, backend.url)
    up = intake(settings)
    cids = [conversation() for _ in range(10)]
    runs = [asyncio.create_task(up.accept_upload(c, "a.pdf", samples.pdf(pad=250_000), None)) for c in cids]
    await asyncio.sleep(0.01)
    own_clamd.stop()
    outcomes = await asyncio.gather(*runs)
    for cid, outcome in zip(cids, outcomes):
        assert outcome.code in (OutcomeCode.accepted, OutcomeCode.scanner_unavailable)
        stored = await up.list_uploads(cid)
        assert len(stored) == (1 if outcome.accepted else 0)
    assert any(o.code is OutcomeCode.scanner_unavailable for o in outcomes)


async def test_backend_down_is_backend_unavailable(clamd, tmp_path):
    from tests.scanning.conftest import intake_settings

    settings = intake_settings(tmp_path, clamd.clamd_socket, "http://127.0.0.1:9")
    outcome = await intake(settings).accept_upload(conversation(), "a.pdf", samples.pdf(), None)
    assert outcome.code is OutcomeCode.backend_unavailable


async def test_ten_concurrent_uploads(settings):
    up = intake(settings)
    cids = [conversation() for _ in range(10)]
    files = [samples.pdf() if i % 3 else samples.pdf(attachment=samples.EICAR) for i in range(10)]
    outcomes = await asyncio.gather(*(up.accept_upload(c, "a.pdf", f, None) for c, f in zip(cids, files)))
    assert [o.code for o in outcomes] == [
        OutcomeCode.accepted if i % 3 else OutcomeCode.infected for i in range(10)]


async def test_concurrent_uploads_of_one_conversation_respect_the_limit(settings):
    cid, up = conversation(), intake(settings)
    outcomes = await asyncio.gather(*(up.accept_upload(cid, "a.pdf", samples.pdf(), None) for _ in range(6)))
    codes = sorted(o.code.value for o in outcomes)
    assert codes == ["accepted"] * 3 + ["too_many"] * 3
    assert len(await up.list_uploads(cid)) == 3


async def test_nothing_personal_in_the_log(settings, caplog):
    caplog.set_level("DEBUG", logger="bot.scanning")
    cid = conversation()
    await intake(settings).accept_upload(cid, "Mustermann_Reisepass.pdf", samples.pdf("Erika Mustermann"), None)
    assert "outcome=accepted" in caplog.text
    assert "Mustermann" not in caplog.text and cid not in caplog.text


def test_sniffing_ignores_names_and_declared_types():
    assert sniff(samples.pdf()) is PDF
    assert sniff(samples.image("JPEG")) is JPEG
    assert sniff(samples.ELF) is None
    assert sniff(b"\x89PNG") is None


@pytest.mark.parametrize(
    "name, expected",
    [("C:\\Users\\x\\Pass.PDF", "Pass.pdf"), ("../../etc/passwd", "passwd.pdf"), ("bild.png", "bild.pdf"),
     ("", "document.pdf"), ("a\x00b\nc.pdf", "abc.pdf"), ("x" * 300 + ".pdf", "x" * 115 + ".pdf")],
)
def test_safe_filename(name, expected):
    assert safe_filename(name, PDF) == expected
