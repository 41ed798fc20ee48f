"""Where Rasa's own time goes in a turn: cProfile inside Rasa's venv (no pyinstrument there).

Run by the benchmark as ``.venv-rasa/bin/python -m bench.rasa_profile MODEL ENDPOINTS N``
with the stack's action server in ENDPOINTS (the product's endpoints.yml, tracker store in
a temporary SQLite file). It loads the model in process, plays N turns of general questions
and form answers through ``Agent.handle_message``, and prints JSON: per-turn milliseconds
and the functions with the most cumulative time, grouped into the parts a turn has.
Standard library and Rasa only: this file must import without the app's venv.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import pstats
import sys
import time
import uuid

# Parts of a Rasa turn, recognised by (file fragment, function) in the profile.
PARTS = {
    "NLU (parse_message)": ("rasa/core/processor.py", "parse_message"),
    "tracker store retrieve": ("rasa/core/tracker_store.py", "retrieve"),
    "tracker store save": ("rasa/core/tracker_store.py", "save"),
    "policies (predict_next_with_tracker_if_should)": ("rasa/core/processor.py", "predict_next_with_tracker_if_should"),
    "action server calls (RemoteAction.run)": ("rasa/core/actions/action.py", "run"),
    "action answer validation (Rasa's, schema checked per call)": ("rasa/core/actions/action.py", "_validate_action_result"),
    "action answer validation (bot/rasa_speedups.py, schema checked once)": ("bot/rasa_speedups.py", "_validate_action_result"),
    "action call HTTP (EndpointConfig.request)": ("rasa/utils/endpoints.py", "request"),
    "tracker copies (DialogueStateTracker.copy)": ("rasa/shared/core/trackers.py", "copy"),
    "whole turn (handle_message)": ("rasa/core/processor.py", "handle_message"),
}
TEXTS = ["Was kostet eine Verlängerung?", "Welche Unterlagen brauche ich?", "Danke",
         "Ich möchte meine Aufenthaltserlaubnis verlängern", "Studium", "Ayşe Yılmaz", "3.3.1995"]


async def _play(agent, turns: int) -> float:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    sender = f"bench-rasa-{uuid.uuid4().hex}"
    started = time.perf_counter()
    for number in range(turns):
        text = TEXTS[number % len(TEXTS)]
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender,
                                               metadata={"channel": "rest", "language": "de"}))
    return time.perf_counter() - started


def _parts(stats: pstats.Stats, turns: int) -> dict:
    """Cumulative milliseconds per turn of each part (the largest matching function)."""
    found: dict[str, float] = {}
    for (path, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for part, (fragment, name) in PARTS.items():
            if function == name and fragment in path.replace("\\", "/"):
                found[part] = max(found.get(part, 0.0), cumulative)
    return {part: round(seconds * 1000 / turns, 2) for part, seconds in sorted(found.items(), key=lambda x: -x[1])}


def main(model: str, endpoints: str, turns: int) -> dict:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    endpoints_config = AvailableEndpoints.read_endpoints(endpoints)
    agent = asyncio.run(load_agent(model_path=model, endpoints=endpoints_config))

    async def go() -> tuple[float, float, cProfile.Profile]:
        await _play(agent, 3)  # warm: first-turn costs are not the steady state
        wall = await _play(agent, turns)
        profiler = cProfile.Profile()
        profiler.enable()
        profiled = await _play(agent, turns)
        profiler.disable()
        return wall, profiled, profiler

    wall, profiled, profiler = asyncio.run(go())
    stats = pstats.Stats(profiler)
    top = sorted(stats.stats.items(), key=lambda item: -item[1][3])[:40]
    return {
        "turns": turns, "per_turn_ms": round(wall * 1000 / turns, 2),
        "per_turn_ms_profiled": round(profiled * 1000 / turns, 2),
        "parts_ms_per_turn": _parts(stats, turns),
        "top_cumulative": [{"function": f"{function} ({path.split('site-packages/')[-1]}:{line})",
                            "ms_per_turn": round(values[3] * 1000 / turns, 2)}
                           for (path, line, function), values in top],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
