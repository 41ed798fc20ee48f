"""Confirmation PDFs rendered after the case's commit, beside the write transaction.

Rendering a confirmation took ~150 ms of CPU (now ~60 ms: bot/confirmation/font_cache.py); inside the submission's transaction it
held SQLite's single write lock that long and serialised every submission behind it
(issue 17). Now the case and its confirmation record (verification code,
Fiktionswirkung) are committed first and the receipt goes out; right after the commit
the case is handed to this worker, which renders the PDF in worker processes (the other
core; fpdf2 is pure Python and would hold the GIL) and stores it in a short write of its
own. A download that comes first moves its case to the head of the queue and waits for
that render (at most DOWNLOAD_WAIT_S, then 503 ``pdf_pending`` with Retry-After), or starts
one itself (after a restart the queue is gone: ``render_missing`` at start-up and the
download both cover it).
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import logging
import multiprocessing
import signal
import threading
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from bot.backend import confirmations
from bot.backend.errors import BackendError
from bot.confirmation.signing import ConfirmationSigner, SigningConfig, config_from_settings
from bot.ops.metrics import PDF_SECONDS

log = logging.getLogger(__name__)
# A download waits at most this long for its PDF (then 503 "pdf_pending" with Retry-After),
# below the gateway's 15 s timeout for the backend, so the client gets the bilingual answer.
DOWNLOAD_WAIT_S = 10.0
URGENT, BACKGROUND = 0, 1  # a client is waiting for this PDF / rendered right after the commit


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
    """In a new render process: die with the backend, load the signing key once (the fonts
    are parsed at its first render and kept: bot/confirmation/font_cache.py)."""
    global _PROCESS_SIGNER
    _die_with_parent()
    _PROCESS_SIGNER = ConfirmationSigner(signing)


def _render_in_process(document) -> bytes:
    """Render and sign in a render process (the key objects cannot be pickled across)."""
    return confirmations.render_document(document, _PROCESS_SIGNER)


def _process_pool(processes: int, signing: SigningConfig) -> ProcessPoolExecutor:
    """Render processes forked by a fork server, not by the backend: a fork of the backend
    (many threads, OpenSSL's locks held by one of them) could deadlock in the child's first
    signature, leaving its PDF pending for ever and the backend unable to exit. The fork
    server is one clean process with the renderer preloaded, so a render process still
    starts in milliseconds."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bot.backend.pdf_worker"])
    return ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_start_render_process,
                               initargs=(signing,))


@dataclass(order=True)
class _Job:
    """One case's render: queued by (priority, order); a download raises its priority."""

    priority: int
    order: int
    case_id: int = field(compare=False)
    future: Future = field(compare=False, default_factory=Future)
    started: bool = field(compare=False, default=False)


class PdfWorker:
    """Renders and stores the PDFs of committed cases; one render per case at a time.

    ``processes`` render processes (``INTAKE_PDF_RENDER_PROCESSES``), each fed by one
    dispatcher thread, so at most that many renders run and the rest wait in this
    worker's own queue: oldest case first, except that a case whose client is asking
    for the PDF right now jumps the queue (``pdf``). ``processes = 0`` renders in one
    thread of the backend itself.
    """

    def __init__(self, ctx, processes: int = 1) -> None:
        self.ctx = ctx
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None  # created at the first render (tests that never render pay nothing)
        self._queue: list[_Job] = []  # heap; entries of started or re-queued jobs are skipped
        self._jobs: dict[int, _Job] = {}  # case id -> its queued or running render
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._closed = False

    def schedule(self, case_id: int, urgent: bool = False) -> Future:
        """Render the case's PDF in the background (once, however often it is asked);
        ``urgent``: a client waits for it, so it goes before every case nobody waits for."""
        priority = URGENT if urgent else BACKGROUND
        with self._lock:
            if self._closed:  # stopping: the start-up's render_missing or a download redoes it
                cancelled: Future = Future()
                cancelled.cancel()
                return cancelled
            job = self._jobs.get(case_id)
            if job is None:
                job = self._jobs[case_id] = _Job(priority, next(self._order), case_id)
                heapq.heappush(self._queue, job)
            elif not job.started and priority < job.priority:
                job.priority = priority  # moved ahead of every case nobody waits for
                self._queue.remove(job)
                heapq.heapify(self._queue)
                heapq.heappush(self._queue, job)
            self._start_threads()
            self._wake.notify()
        return job.future

    def pdf(self, case_id: int, timeout_s: float | None = None) -> bytes:
        """The case's PDF for a client asking now: its render goes first; waits at most
        ``timeout_s`` (default DOWNLOAD_WAIT_S)."""
        future = self.schedule(case_id, urgent=True)
        try:
            return future.result(timeout=DOWNLOAD_WAIT_S if timeout_s is None else timeout_s)
        except FutureTimeout:  # still rendering: the client is told to retry, nothing is lost
            raise BackendError(503, "pdf_pending", headers={"Retry-After": "2"}) from None
        except CancelledError:  # the backend is stopping
            raise BackendError(503, "busy", headers={"Retry-After": "5"}) from None

    def render_missing(self) -> int:
        """Schedule every committed confirmation without a PDF (left by a stop mid-render)."""
        missing = confirmations.cases_without_pdf(self.ctx)
        for case_id in missing:
            self.schedule(case_id)
        if missing:
            log.info("rendering %d confirmation PDFs left from the last run", len(missing))
        return len(missing)

    def queued(self) -> int:
        """Renders waiting or running (for tests and the benchmark)."""
        with self._lock:
            return len(self._jobs)

    def close(self) -> None:
        """Stop: renders not yet stored are redone at the next start or download."""
        with self._lock:
            self._closed = True
            for job in self._jobs.values():
                if not job.started:
                    job.future.cancel()
            self._queue.clear()
            self._wake.notify_all()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _start_threads(self) -> None:
        """Dispatcher threads, one per render process (started at the first job; lock held)."""
        wanted = max(1, self.processes)
        while len(self._threads) < wanted:
            thread = threading.Thread(target=self._dispatch, name=f"pdf-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next_job(self) -> _Job | None:
        """The most urgent queued job, marked started; None when closed."""
        with self._lock:
            while True:
                if self._closed:
                    return None
                while self._queue:
                    job = heapq.heappop(self._queue)
                    if not job.started and self._jobs.get(job.case_id) is job and job.future.set_running_or_notify_cancel():
                        job.started = True
                        return job
                self._wake.wait()

    def _dispatch(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                job.future.set_result(self._render_and_store(job.case_id))
            except BaseException as error:  # noqa: BLE001 - handed to whoever waits for this PDF
                job.future.set_exception(error)
            finally:
                with self._lock:
                    if self._jobs.get(job.case_id) is job:
                        del self._jobs[job.case_id]

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
