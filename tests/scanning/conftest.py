"""Fixtures of the scanning tests: real backend and a private clamd (the shared one: tests/fixtures/clamd.py)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from bot.backend.app import create_app
from bot.config import Settings
from bot.scanning.clamd_process import ClamdProcess

INTERNAL_TOKEN = "scanning-test-internal-token-0123456789"


class BackendServer:
    """The real backend app under uvicorn (lifespan on: migrations run) in a thread."""

    def __init__(self, settings: Settings) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> "BackendServer":
        """Serve and return once the app has started (database migrated)."""
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("backend did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


def intake_settings(var_dir: Path, socket_path: Path, backend_url: str = "http://127.0.0.1:9") -> Settings:
    """Settings with small limits so the limit tests stay fast."""
    return Settings(
        var_dir=var_dir,
        clamd_socket=socket_path,
        clamd_timeout_s=5.0,
        backend_url=backend_url,
        backend_database_url=f"sqlite:///{var_dir / 'backend.sqlite3'}",
        internal_token=INTERNAL_TOKEN,
        upload_max_files=3,
        upload_max_file_bytes=300_000,
        upload_max_total_bytes=500_000,
    )


@pytest.fixture(scope="session")
def backend(tmp_path_factory, clamd_process) -> BackendServer:
    """One real backend (SQLite in a temp dir) for the session."""
    var_dir = tmp_path_factory.mktemp("backend")
    server = BackendServer(intake_settings(var_dir, clamd_process.socket_path)).start()
    yield server
    server.stop()


@pytest.fixture
def settings(backend, clamd_process, tmp_path) -> Settings:
    """Intake settings: session clamd, session backend, small limits."""
    return intake_settings(tmp_path, clamd_process.socket_path, backend.url)


@pytest.fixture
def own_clamd(tmp_path_factory) -> ClamdProcess:
    """A clamd of this test alone, for tests that stop, freeze or restart it."""
    settings = Settings(var_dir=tmp_path_factory.mktemp("own-clamd"), upload_max_file_bytes=300_000)
    process = ClamdProcess.from_settings(settings).start()
    yield process
    process.stop()
