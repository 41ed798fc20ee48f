"""Root conftest: markers every area uses and the shared fixture plugins in tests/fixtures/."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Shared fixtures (clamd, the whole stack, ...). Listed only when the module exists,
# so a fixture being written by another engineer cannot break collection.
pytest_plugins = [
    f"tests.fixtures.{name}"
    for name in ("clamd", "stack")
    if (FIXTURES / f"{name}.py").exists()
]

MARKERS = {
    "browser": "drives a real browser (Debian chromium through Playwright)",
    "postgres": "needs PostgreSQL on 127.0.0.1:5432",
    "redis": "needs Redis on 127.0.0.1:6379",
    "slow": "takes more than a few seconds (e.g. starts the whole stack); `make test-fast` skips it",
}


def pytest_configure(config) -> None:
    """Register the shared markers."""
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def _drives_a_browser(item) -> bool:
    """True for tests marked browser or using the Playwright `browser` fixture."""
    return item.get_closest_marker("browser") is not None or "browser" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items) -> None:
    """Stack users count as slow; browser tests run last.

    Playwright's sync API keeps an asyncio loop running in the main thread while the
    session-scoped browser is open, so any later asyncio.run() would fail.
    """
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker("slow")
    items[:] = [i for i in items if not _drives_a_browser(i)] + [i for i in items if _drives_a_browser(i)]
