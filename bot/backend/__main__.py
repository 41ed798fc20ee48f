"""Run the backend: ``.venv/bin/python -m bot.backend`` (host and port from the settings)."""

from __future__ import annotations

import logging

import uvicorn

from bot.backend.app import create_app
from bot.config import get_settings
from bot.safe_start import safe_start


def main() -> None:
    """Serve the backend with uvicorn; uvicorn's access log is off (paths carry tokens)."""
    settings = get_settings()
    safe_start(settings, "backend", "internal_token")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # fpdf2's font subsetting lists every glyph at INFO for each PDF.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.backend_port,
                access_log=False, log_level="info")


if __name__ == "__main__":
    main()
