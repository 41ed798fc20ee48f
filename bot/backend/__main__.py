"""Run the backend: ``.venv/bin/python -m bot.backend`` (host and port from the settings)."""

from __future__ import annotations

import uvicorn

from bot.backend.app import create_app
from bot.config import get_settings
from bot.safe_start import safe_start
from bot.logsafety import configure_logging


def main() -> None:
    """Serve the backend with uvicorn; uvicorn's access log is off (paths carry tokens)."""
    settings = get_settings()
    safe_start(settings, "backend", "internal_token")
    # Quiets httpx (URLs) and fpdf2's font subsetting, which lists every glyph at INFO.
    configure_logging(service="backend", log_format=settings.log_format)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.backend_port,
                access_log=False, log_level="info", log_config=None)


if __name__ == "__main__":
    main()
