"""Confirmation PDFs rendered after the case's commit, beside the write transaction.

Rendering a confirmation takes ~150 ms of CPU; inside the submission's transaction it
held SQLite's single write lock that long and serialised every submission behind it
(issue 17). Now the case and its confirmation record (verification code,
Fiktionswirkung) are committed first and the receipt goes out; right after the commit
the case is handed to this worker, which renders the PDF in worker processes (the other
core; fpdf2 is pure Python and would hold the GIL) and stores it in a short write of its
own. A download that comes first waits for that render, or starts one itself (after a
restart the queue is gone: ``render_missing`` at start-up and the download both cover it).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor

from bot.backend import confirmations
from bot.confirmation.signing import ConfirmationSigner, SigningConfig, config_from_settings
from bot.ops.metrics import PDF_SECONDS

log = logging.getLogger(__name__)
DOWNLOAD_WAIT_S = 30.0  # a download waits at most this long for the PDF


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a render process: killed when the backend dies, even by SIGKILL (a pool worker
    otherwise waits forever on its queue, whose write end it inherited)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass  # not Linux: the pool's own shutdown is the only guard


_PROCESS_SIGNER: ConfirmationSigner | None = None  # in a render process: its own signer


def _start_render_process(signing: SigningConfig) -> None:
    """In a new render process: die with the backend, load the signing key once."""
    global _PROCESS_SIGNER
    _die_with_parent()
    _PROCESS_SIGNER = ConfirmationSigner(signing)


def _render_in_process(document) -> bytes:
    """Render and sign in a render process (the key objects cannot be pickled across)."""
    return confirmations.render_document(document, _PROCESS_SIGNER)


def _process_pool(processes: int, signing: SigningConfig) -> ProcessPoolExecutor:
    """Render processes forked from the backend: the renderer is imported already, so a
    fork costs milliseconds (a spawned one would import fpdf2 again). The child runs only
    the renderer, none of the parent's threads or connections."""
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_start_render_process,
                               initargs=(signing,))


class PdfWorker:
    """Renders and stores the PDFs of committed cases; one render per case at a time."""

    def __init__(self, ctx, processes: int = 1) -> None:
        self.ctx = ctx
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None  # created at the first render (tests that never render pay nothing)
        self._threads = ThreadPoolExecutor(max_workers=max(1, processes), thread_name_prefix="pdf")
        self._inflight: dict[int, Future] = {}
        self._lock = threading.Lock()

    def schedule(self, case_id: int) -> Future:
        """Render the case's PDF in the background (once, however often it is asked)."""
        with self._lock:
            future = self._inflight.get(case_id)
            if future is None:
                future = self._threads.submit(self._render_and_store, case_id)
                self._inflight[case_id] = future
                future.add_done_callback(lambda _done: self._forget(case_id))
        return future

    def pdf(self, case_id: int, timeout_s: float = DOWNLOAD_WAIT_S) -> bytes:
        """The case's PDF, waiting for (or starting) its render."""
        return self.schedule(case_id).result(timeout=timeout_s)

    def render_missing(self) -> int:
        """Schedule every committed confirmation without a PDF (left by a stop mid-render)."""
        missing = confirmations.cases_without_pdf(self.ctx)
        for case_id in missing:
            self.schedule(case_id)
        if missing:
            log.info("rendering %d confirmation PDFs left from the last run", len(missing))
        return len(missing)

    def close(self) -> None:
        """Stop: renders not yet stored are redone at the next start or download."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _forget(self, case_id: int) -> None:
        with self._lock:
            self._inflight.pop(case_id, None)

    def _render(self, document) -> bytes:
        """Render and sign in a render process, or in this thread (``processes = 0``)."""
        if self.processes <= 0:
            return confirmations.render_document(document, self.ctx.signer)
        with self._lock:
            if self._pool is None:
                self._pool = _process_pool(self.processes, config_from_settings(self.ctx.settings))
            pool = self._pool
        return pool.submit(_render_in_process, document).result()

    def _render_and_store(self, case_id: int) -> bytes:
        document = confirmations.pending_document(self.ctx, case_id)
        if document is None:  # rendered already (by another worker, or before a restart)
            return confirmations.stored_pdf(self.ctx, case_id)
        try:
            with PDF_SECONDS.time():  # render and sign, as the backend waits for it
                pdf = self._render(document)
        except Exception:
            log.exception("confirmation PDF render failed")
            raise
        return confirmations.store_pdf(self.ctx, case_id, pdf)
