"""A bare `rasa run --enable-api` for one model on a free loopback port, timed until ready."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from bot.runner.environment import RASA_BIN, free_port, rasa_env
from bot.runner.readiness import rasa_model_loaded
from bench.procs import tree_rss_mib

START_TIMEOUT_S = 240.0


class RasaServer:
    """`rasa run` serving a model with the HTTP API; ``start_s`` is launch-to-/status-ready.

    The work directory holds no endpoints.yml, so this Rasa has no action server and
    keeps trackers in memory: the floor of what a turn costs in Rasa itself.
    """

    def __init__(self, model: Path, workdir: Path, log: Path, rest_channel: bool = False) -> None:
        self.model = Path(model)
        self.rest_channel = rest_channel  # also serve the REST channel (no endpoints: no action server)
        self.workdir = Path(workdir)
        self.log = Path(log)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.start_s = float("nan")

    def __enter__(self) -> RasaServer:
        command = [str(RASA_BIN), "run", "--model", str(self.model), "--enable-api",
                   "--port", str(self.port), "--interface", "127.0.0.1"]
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.rest_channel:
            # Stock Rasa: REST channel only, no endpoints file (in-memory tracker store, no actions).
            (self.workdir / "credentials.yml").write_text("rest:\n")
            command += ["--credentials", str(self.workdir / "credentials.yml")]
        started = time.monotonic()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=self.workdir, env={**os.environ, **rasa_env()},
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        while not rasa_model_loaded(self.url):
            if self.process.poll() is not None:
                raise RuntimeError(f"rasa run exited with {self.process.returncode}; see {self.log}")
            if time.monotonic() - started > START_TIMEOUT_S:
                self.__exit__()
                raise RuntimeError(f"rasa run not ready after {START_TIMEOUT_S:.0f} s; see {self.log}")
            time.sleep(0.2)
        self.start_s = time.monotonic() - started
        return self

    def rss_mib(self) -> float:
        """RSS of the server and its children in MiB."""
        return tree_rss_mib(self.process.pid) if self.process else 0.0

    def parse(self, client: httpx.Client, text: str) -> dict:
        """POST /model/parse for one text."""
        response = client.post(f"{self.url}/model/parse", json={"text": text}, timeout=30.0)
        response.raise_for_status()
        return response.json()

    def __exit__(self, *exc_info) -> None:
        """SIGTERM the server's process group, SIGKILL when it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
