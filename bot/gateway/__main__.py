"""Run the gateway: python -m bot.gateway"""

import logging

import uvicorn

from bot.config import get_settings
from bot.gateway.app import create_app
from bot.safe_start import safe_start

if __name__ == "__main__":
    settings = get_settings()
    safe_start(settings, "gateway", "internal_token")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.gateway_port, log_level="info", access_log=False)
