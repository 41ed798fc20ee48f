"""`python -m actions --port 5055`: the action server (rasa_sdk), started safely.

Same as `python -m rasa_sdk --actions actions`, after bot.safe_start: files it creates
(the outbox) are private, and it refuses to start with a missing or placeholder
INTAKE_INTERNAL_TOKEN (it is what the action server shows the backend) or
INTAKE_ACTIONS_TOKEN (what Rasa must show the action server, bot/ops/action_server.py).
"""

import sys

from rasa_sdk.__main__ import main

from bot.config import get_settings
from bot.safe_start import safe_start

if __name__ == "__main__":
    safe_start(get_settings(), "actions", "internal_token", "actions_token")
    sys.argv = [sys.argv[0], "--actions", "actions", *sys.argv[1:]]
    main()
