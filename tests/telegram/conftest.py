"""Fixtures for the Telegram bridge tests: the fake Bot API, a recording gateway, the bridge."""

from __future__ import annotations

import pytest
import pytest_asyncio

from bot.channels.telegram import build_application, start, stop
from tests.fixtures.fake_telegram import FakeTelegram, ServerThread
from tests.telegram.support import POLL_TIMEOUT_S, RecordingGateway, bridge_settings


try:  # the whole stack (gateway, Rasa, actions, backend, clamd), a session fixture
    from tests.fixtures.stack import stack  # noqa: F401
except ImportError as exc:  # not written yet: the full tests skip and say why
    _stack_missing = str(exc)

    @pytest.fixture(scope="session")
    def stack():
        """Stands in while tests/fixtures/stack.py does not exist."""
        pytest.skip(f"stack fixture unavailable: {_stack_missing}")


def pytest_configure(config: pytest.Config) -> None:
    for marker in ("postgres", "redis", "browser"):
        config.addinivalue_line("markers", f"{marker}: needs {marker}")
    config.addinivalue_line("markers", "stack: needs the whole stack (tests/fixtures/stack.py)")


@pytest.fixture
def fake_telegram():
    """A running fake Bot API."""
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def gateway():
    """A running recording gateway."""
    recorder = RecordingGateway()
    server = ServerThread(recorder.app())
    recorder.url = server.start()
    yield recorder
    server.stop()


@pytest_asyncio.fixture
async def bridge(fake_telegram: FakeTelegram, gateway: RecordingGateway):
    """The bridge, polling the fake Bot API and talking to the recording gateway."""
    settings = bridge_settings(fake_telegram, gateway.url)
    application = build_application(settings)
    await start(application, settings, poll_timeout=POLL_TIMEOUT_S)
    yield application
    await stop(application)
