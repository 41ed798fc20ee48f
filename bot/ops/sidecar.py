"""A small HTTP server beside a service that has no web app of its own to extend
(the Telegram bridge in polling mode): /health/live, /health/ready and /metrics,
in a daemon thread on a loopback port."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.ops import metrics as m
from bot.ops.health import Check, ready_body, run_checks


def serve(host: str, port: int, checks: Callable[[], dict[str, Check]], metrics_token: str) -> ThreadingHTTPServer:
    """Start serving in a daemon thread; returns the server (call shutdown() to stop)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path in ("/health", "/health/live"):
                self._send(200, json.dumps({"status": "ok"}).encode(), "application/json")
            elif self.path == "/health/ready":
                ready, report = asyncio.run(run_checks(checks()))
                self._send(200 if ready else 503, json.dumps(ready_body(ready, report)).encode(), "application/json")
            elif self.path == "/metrics" and metrics_token:
                if m.authorised(self.headers.get("authorization"), metrics_token):
                    body, content_type = m.exposition()
                    self._send(200, body, content_type)
                else:
                    self._send(401, b"", "text/plain")
            else:
                self._send(404, b"", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            """Probes every few seconds would drown the log."""

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server
