"""Which stored events of a long conversation Rasa needs to continue it (no Rasa imports:
used by bot/windowed_tracker_store.py inside Rasa and tested without Rasa)."""

from __future__ import annotations

import json
from typing import Any, List

STATE_TYPES = ("slot", "active_loop")  # their latest value is the state the older turns left
RESET_TYPES = ("restart", "reset_slots")  # state before these no longer counts


def window(rows: List[Any], window_turns: int) -> List[Any]:
    """Rows (id, type_name, data) of one session reduced to opening, state and recent turns."""
    users = [index for index, row in enumerate(rows) if row[1] == "user"]
    if len(users) <= window_turns:
        return rows
    first_user, start = users[0], users[-window_turns]
    # The action_listen just before the window's first message belongs to it.
    if start > 0 and rows[start - 1][1] == "action":
        start -= 1
    older = rows[first_user:start]
    resets = [index for index, row in enumerate(older) if row[1] in RESET_TYPES]
    if resets:
        older = older[resets[-1]:]  # the reset itself, then what came after it
    latest: dict = {}
    for row in older:
        if row[1] in STATE_TYPES:
            key = (row[1], json.loads(row[2]).get("name")) if row[1] == "slot" else (row[1], None)
            latest[key] = row
        elif row[1] in RESET_TYPES:
            latest[(row[1], None)] = row
    state = sorted(latest.values(), key=lambda row: row[0])
    return rows[:first_user] + state + rows[start:]
