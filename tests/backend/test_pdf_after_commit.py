"""The confirmation PDF is rendered after the case's commit: the receipt never waits for
it, a failed render loses no case, and a download gets the PDF however early it asks."""

from __future__ import annotations

import io
import threading

from pypdf import PdfReader
from sqlalchemy import select

from bot.backend import confirmations
from bot.backend.models import Confirmation
from tests.backend.conftest import INTERNAL, submission


def _download(client, receipt, conversation_id="conv-1"):
    return client.get(f"/internal/confirmations/{receipt['download_token']}",
                      params={"conversation_id": conversation_id}, headers=INTERNAL)


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _stored_pdfs(ctx) -> list[bytes]:
    with ctx.read_sessions() as session:
        return list(session.scalars(select(Confirmation.pdf)))


def test_the_case_is_committed_even_when_the_render_fails(client, ctx, monkeypatch):
    def broken(_data, _signer):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(confirmations, "render_document", broken)
    ctx.pdfs.processes = 0  # render in a thread, so the patched renderer is the one used
    response = client.post("/internal/cases", json=submission(), headers=INTERNAL)
    assert response.status_code == 201, "the receipt does not depend on the PDF"
    receipt = response.json()
    assert _stored_pdfs(ctx) == [confirmations.PENDING_PDF]  # durable case, PDF still due
    monkeypatch.undo()
    ctx.pdfs.processes = 0
    pdf = _download(client, receipt)
    assert pdf.status_code == 200, "the download renders the missing PDF"
    assert receipt["case_number"] in _pdf_text(pdf.content)
    assert _stored_pdfs(ctx) == [pdf.content]


def test_a_download_right_after_the_receipt_gets_the_pdf_the_worker_stores(client, ctx):
    receipts = [client.post("/internal/cases", json=submission(given_names=f"Person{n}",
                                                                 idempotency_key=f"key-early-{n}"),
                            headers=INTERNAL).json() for n in range(3)]
    for receipt in receipts:
        pdf = _download(client, receipt)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert receipt["verification_code"] in _pdf_text(pdf.content)
    assert all(pdf.startswith(b"%PDF") for pdf in _stored_pdfs(ctx))
    assert _download(client, receipts[0]).content == _download(client, receipts[0]).content, "stored once, served as stored"


def test_concurrent_renders_of_one_case_store_a_single_pdf(client, ctx):
    receipt = client.post("/internal/cases", json=submission(), headers=INTERNAL).json()
    with ctx.read_sessions() as session:
        case_id = session.scalar(select(Confirmation.case_id))
    document = confirmations.pending_document(ctx, case_id) or _reset_and_read(ctx, case_id)
    results: list[bytes] = []
    first = confirmations.render_document(document, ctx.signer)
    second = first + b"\n% a different rendering\n"
    threads = [threading.Thread(target=lambda pdf=pdf: results.append(confirmations.store_pdf(ctx, case_id, pdf)))
               for pdf in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results[0] == results[1], "both callers get the one stored PDF"
    assert _download(client, receipt).content == results[0]


def _reset_and_read(ctx, case_id):
    """The worker was faster: clear the stored PDF so the race can be replayed."""
    from sqlalchemy import update

    with ctx.sessions.begin() as session:
        session.execute(update(Confirmation).where(Confirmation.case_id == case_id).values(pdf=confirmations.PENDING_PDF))
    return confirmations.pending_document(ctx, case_id)


def test_pdfs_left_unrendered_by_a_stop_are_rendered_at_the_next_start(settings):
    from fastapi.testclient import TestClient

    from bot.backend.app import create_app

    with TestClient(create_app(settings)) as first:
        ctx = first.app.state.ctx
        ctx.pdfs.close()
        ctx.pdfs = None  # as if the backend stopped right after the commit
        receipt = first.post("/internal/cases", json=submission(), headers=INTERNAL).json()
        assert _stored_pdfs(ctx) == [confirmations.PENDING_PDF]
    with TestClient(create_app(settings)) as second:
        second.app.state.ctx.pdfs.pdf(1)  # the start-up render (or this call) finishes it
        [stored] = _stored_pdfs(second.app.state.ctx)
        assert receipt["case_number"] in _pdf_text(stored)
