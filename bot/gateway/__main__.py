"""Run the gateway: python -m bot.gateway"""

import uvicorn

from bot.config import get_settings
from bot.gateway.app import create_app
from bot.logsafety import configure_logging
from bot.safe_start import safe_start

if __name__ == "__main__":
    settings = get_settings()
    safe_start(settings, "gateway", "internal_token", "rasa_token")
    # httpx would log backend URLs with download tokens and conversation ids.
    configure_logging(service="gateway", log_format=settings.log_format)
    # No access log: request paths carry download tokens.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.gateway_port, log_level="info",
                access_log=False, log_config=None)
