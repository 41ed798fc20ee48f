"""The tracker window (bot/tracker_window.py): what of a long session Rasa loads."""

from __future__ import annotations

import json

from bot.tracker_window import window


def _rows(*events: dict) -> list[tuple[int, str, str]]:
    return [(number, event["event"], json.dumps(event)) for number, event in enumerate(events, start=1)]


def _turn(text: str, *more: dict) -> list[dict]:
    return [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text}, *more,
            {"event": "bot", "text": "answer"}]


OPENING = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"},
           {"event": "slot", "name": "language", "value": "de"}]


def test_a_short_session_is_loaded_whole():
    rows = _rows(*OPENING, *_turn("a"), *_turn("b"))
    assert window(rows, 5) == rows


def test_a_long_session_keeps_opening_latest_state_and_the_last_turns():
    events = [*OPENING, *_turn("t0", {"event": "slot", "name": "language", "value": "en"},
                                {"event": "active_loop", "name": "enquiry_form"}),
              *_turn("t1", {"event": "slot", "name": "given_names", "value": "Ana"}),
              *_turn("t2", {"event": "slot", "name": "language", "value": "de"}),
              *_turn("t3"), *_turn("t4")]
    kept = [json.loads(row[2]) for row in window(_rows(*events), 2)]
    assert kept[:4] == [*OPENING, {"event": "action", "name": "action_listen"}]
    state = kept[4:7]
    assert {"event": "active_loop", "name": "enquiry_form"} in state
    assert {"event": "slot", "name": "given_names", "value": "Ana"} in state
    assert {"event": "slot", "name": "language", "value": "de"} in state  # the latest value only
    assert len(state) == 3
    assert [e.get("text") for e in kept if e["event"] == "user"] == ["t3", "t4"]
    assert kept[7] == {"event": "action", "name": "action_listen"}, "the window starts at its listen"


def test_state_before_a_restart_is_not_carried():
    events = [*OPENING, *_turn("t0", {"event": "slot", "name": "given_names", "value": "Old"}),
              *_turn("t1", {"event": "restart"}), *_turn("t2"), *_turn("t3")]
    kept = [json.loads(row[2]) for row in window(_rows(*events), 2)]
    assert {"event": "restart"} in kept
    assert not any(e.get("value") == "Old" for e in kept)


def test_rows_stay_in_stored_order():
    events = [*OPENING, *[e for n in range(30) for e in _turn(f"t{n}", {"event": "slot", "name": f"s{n % 3}",
                                                                          "value": n})]]
    ids = [row[0] for row in window(_rows(*events), 5)]
    assert ids == sorted(ids)
