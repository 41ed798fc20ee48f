"""The confirmation PDF is rendered after the case's commit: the receipt never waits for
it, a failed render loses no case, and a download gets the PDF however early it asks."""

from __future__ import annotations

import io
import threading
import time

from pypdf import PdfReader
from sqlalchemy import select

from bot.backend import confirmations, pdf_worker
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


class _HeldRenderer:
    """The real renderer behind a gate: records which case it rendered, in order."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.order: list[str] = []
        self._real = confirmations.render_document

    def __call__(self, data, signer):
        self.gate.wait(timeout=30)
        self.order.append(data.case_number)
        return self._real(data, signer)


def _submit(client, n: int) -> dict:
    body = submission(given_names=f"Queued{n}", idempotency_key=f"key-queued-{n}")
    response = client.post("/internal/cases", json=body, headers=INTERNAL)
    assert response.status_code == 201, "the receipt never waits for a render"
    return response.json()


def test_a_client_asking_for_its_pdf_goes_before_the_queue(client, ctx, monkeypatch):
    held = _HeldRenderer()
    monkeypatch.setattr(confirmations, "render_document", held)
    ctx.pdfs.processes = 0  # one render thread in the backend: the patched renderer, a strict queue
    receipts = [_submit(client, n) for n in range(5)]
    _wait_until(lambda: ctx.pdfs._jobs[_case_id(ctx, receipts[0])].started)  # held at the gate
    downloaded: list = []
    asker = threading.Thread(target=lambda: downloaded.append(_download(client, receipts[-1])))
    asker.start()
    deadline = time.monotonic() + 10
    while not ctx.pdfs._jobs[_case_id(ctx, receipts[-1])].priority == pdf_worker.URGENT:
        assert time.monotonic() < deadline, "the download never reached the worker"
        time.sleep(0.01)
    held.gate.set()  # the first render (already running) finishes, then the asker's case
    asker.join(timeout=60)
    assert downloaded[0].status_code == 200 and receipts[-1]["case_number"] in _pdf_text(downloaded[0].content)
    numbers = [r["case_number"] for r in receipts]
    _wait_until(lambda: len(held.order) == 5)
    assert held.order == [numbers[0], numbers[4], numbers[1], numbers[2], numbers[3]]


def test_a_pdf_still_rendering_after_the_wait_is_a_bilingual_retry_later(client, ctx, monkeypatch):
    held = _HeldRenderer()
    monkeypatch.setattr(confirmations, "render_document", held)
    monkeypatch.setattr(pdf_worker, "DOWNLOAD_WAIT_S", 0.3)
    ctx.pdfs.processes = 0
    receipt = _submit(client, 1)
    pending = _download(client, receipt)
    assert pending.status_code == 503 and pending.headers["Retry-After"] == "2"
    body = pending.json()
    assert body["error"] == "pdf_pending" and body["message"]["de"] and body["message"]["en"]
    held.gate.set()
    _wait_until(lambda: ctx.pdfs.queued() == 0)
    again = _download(client, receipt)
    assert again.status_code == 200 and receipt["case_number"] in _pdf_text(again.content)


def test_render_processes_render_every_queued_pdf(client, ctx):
    assert ctx.pdfs.processes == ctx.settings.pdf_render_processes == 2  # the default: both cores
    receipts = [_submit(client, n) for n in range(4)]
    _wait_until(lambda: ctx.pdfs.queued() == 0, timeout_s=120)
    stored = _stored_pdfs(ctx)
    assert len(stored) == 4 and all(pdf.startswith(b"%PDF") for pdf in stored)
    assert {r["case_number"] for r in receipts} == {n for n in _case_numbers_in(stored)}


def _case_numbers_in(pdfs: list[bytes]) -> set[str]:
    from bot import case_numbers

    return {m for pdf in pdfs for m in case_numbers.CANONICAL.findall(_pdf_text(pdf))}


def _case_id(ctx, receipt) -> int:
    from bot.backend.models import Case

    with ctx.read_sessions() as session:
        return session.scalar(select(Case.id).where(Case.case_number == receipt["case_number"]))


def _wait_until(condition, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
