"""`python -m bot.channels.telegram` runs the bridge."""

from .app import main

raise SystemExit(main())
