"""A stand-in child process for supervisor tests: serves GET /health on a port.

Usage: python dummy_service.py PORT [--delay S] [--exit-after S] [--grandchild PIDFILE] [--ignore-term]
--grandchild forks a sleeping grandchild (like Sanic's workers) and writes its pid;
--ignore-term makes it ignore SIGTERM (a hung service).
"""

from __future__ import annotations

import argparse
import http.server
import os
import signal
import subprocess
import sys
import threading
import time


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        """200 on /health, 404 elsewhere."""
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, *args):
        """Quiet."""


def main() -> None:
    """Serve /health after an optional delay; optionally die or fork."""
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--exit-after", type=float)
    parser.add_argument("--grandchild")
    parser.add_argument("--ignore-term", action="store_true")
    args = parser.parse_args()
    if args.ignore_term:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print(f"dummy on {args.port} starting", flush=True)
    if args.grandchild:
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        with open(args.grandchild, "w") as handle:
            handle.write(str(worker.pid))
    if args.exit_after is not None:
        threading.Timer(args.exit_after, lambda: (print("dummy gives up", flush=True), os._exit(3))).start()
    time.sleep(args.delay)
    http.server.HTTPServer(("127.0.0.1", args.port), Health).serve_forever()


if __name__ == "__main__":
    main()
