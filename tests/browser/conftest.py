"""Fixtures of the browser tests: Debian's chromium through Playwright, a fake gateway."""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass

import pytest
import uvicorn

from widget_fake_gateway import Recorder, build_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class FakeGateway:
    url: str  # http://127.0.0.1:<port>
    other_origin: str  # http://localhost:<port>: same server, another origin
    recorder: Recorder

    def reset(self) -> None:
        """Forget what earlier tests sent."""
        self.recorder.messages.clear()
        self.recorder.uploads.clear()
        self.recorder.failed_once.clear()
        self.recorder.pending.clear()
        self.recorder.download_tokens.clear()
        self.recorder.download_conversations.clear()


@pytest.fixture(scope="session")
def fake_gateway():
    """The widget router and deterministic chat/upload APIs on a free loopback port."""
    recorder = Recorder()
    config = uvicorn.Config(build_app(recorder), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("fake gateway did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield FakeGateway(f"http://127.0.0.1:{port}", f"http://localhost:{port}", recorder)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Collects script errors, CSP violations and every URL a page requested."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", self._console)
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message) -> None:
        # HTTP errors the tests provoke on purpose are logged by chromium too; not script errors.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")


@pytest.fixture
def new_page(browser, fake_gateway):
    """Factory for fresh pages (own context: own sessionStorage); checks no script errors."""
    fake_gateway.reset()
    contexts, watches = [], []

    def make(width: int = 1280, height: int = 800, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.watch = PageWatch(page)
        watches.append(page.watch)
        return page

    yield make
    for context in contexts:
        context.close()
    errors = [error for watch in watches for error in watch.errors]
    assert not errors, f"errors in the page: {errors}"
