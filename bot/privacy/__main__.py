"""`python -m bot.privacy`: one tracker retention purge (same as `python -m bot.privacy.purge`)."""

from bot.privacy.purge import main

raise SystemExit(main())
