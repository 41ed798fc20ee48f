"""Where Rasa's own time goes in a turn: timing spans and cProfile inside Rasa's venv.

Run by the benchmark as ``.venv-rasa/bin/python -m bench.rasa_profile MODEL ENDPOINTS N``
with the stack's action server in ENDPOINTS (the product's endpoints.yml, tracker store in
a temporary SQLite file). It loads the model in process, plays N turns of general questions
and form answers through ``Agent.handle_message``, and prints JSON: per-turn milliseconds,
unprofiled timing spans per turn kind (NLU, tracker load and save, policies, action-server
calls with their HTTP part and request size), and under cProfile the functions with the most
cumulative time, grouped into the parts a turn has (cProfile inflates pure-Python work such
as jsonschema's; the spans do not).
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
KINDS = ["general", "general", "small talk", "enquiry start", "form answer", "form answer", "form answer"]


class Spans:
    """Wall time of the parts of each turn, by wrapping Rasa's own methods (no profiler)."""

    def __init__(self) -> None:
        self.turn: dict = {}
        self.turns: list[tuple[str, dict]] = []

    def add(self, part: str, seconds: float, count: bool = False) -> None:
        self.turn[part] = self.turn.get(part, 0.0) + seconds * 1000
        if count:
            self.turn[f"{part} (n)"] = self.turn.get(f"{part} (n)", 0) + 1

    def wrap_async(self, owner, name: str, part: str, count: bool = False) -> None:
        original = getattr(owner, name)
        spans = self

        async def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                spans.add(part, time.perf_counter() - started, count)

        setattr(owner, name, timed)

    def wrap(self, owner, name: str, part: str) -> None:
        original = getattr(owner, name)
        spans = self

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spans.add(part, time.perf_counter() - started)

        setattr(owner, name, timed)

    def install(self) -> None:
        from rasa.core.actions.action import RemoteAction
        from rasa.core.processor import MessageProcessor
        from rasa.core.tracker_store import TrackerStore
        from rasa.utils.endpoints import EndpointConfig

        self.wrap_async(MessageProcessor, "parse_message", "NLU")
        self.wrap_async(TrackerStore, "get_or_create_tracker", "tracker load")
        self.wrap_async(MessageProcessor, "save_tracker", "tracker save")
        self.wrap(MessageProcessor, "predict_next_with_tracker_if_should", "policies")
        self.wrap_async(RemoteAction, "run", "action-server calls", count=True)
        self.wrap_async(EndpointConfig, "request", "of which HTTP round trip")
        self.wrap(RemoteAction, "_action_call_format", "of which request built (tracker state)")
        self.wrap(RemoteAction, "_validate_action_result", "of which answer validated")
        original_format = RemoteAction._action_call_format
        spans = self

        def sized(action, tracker, domain):
            body = original_format(action, tracker, domain)
            spans.turn.setdefault("request KiB", []).append(round(len(json.dumps(body)) / 1024, 1))
            return body

        RemoteAction._action_call_format = sized

    def summary(self) -> dict:
        """Median milliseconds of each part per turn kind, and the rest of the turn."""
        by_kind: dict = {}
        for kind, parts in self.turns:
            by_kind.setdefault(kind, []).append(parts)
        out = {}
        for kind, turns in by_kind.items():
            keys = sorted({key for parts in turns for key in parts if key != "request KiB"})
            med = {key: round(sorted(p.get(key, 0) for p in turns)[len(turns) // 2], 2) for key in keys}
            top = ("NLU", "tracker load", "tracker save", "policies", "action-server calls")
            med["rest of Rasa (events, copies, NLG, channel)"] = round(
                med["whole turn"] - sum(med.get(key, 0) for key in top), 2)
            sizes = [size for parts in turns for size in parts.get("request KiB", [])]
            med["request KiB (max)"] = max(sizes) if sizes else 0
            out[kind] = {"turns": len(turns), **med}
        return out


async def _play_spans(agent, turns: int, spans: Spans) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    sender = ""
    for number in range(turns):
        if number % len(TEXTS) == 0:  # a new conversation per script: the kinds stay what they say
            sender = f"bench-rasa-{uuid.uuid4().hex}"
        text = TEXTS[number % len(TEXTS)]
        spans.turn = {}
        started = time.perf_counter()
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender,
                                               metadata={"channel": "rest", "language": "de"}))
        spans.add("whole turn", time.perf_counter() - started)
        spans.turns.append((KINDS[number % len(KINDS)], spans.turn))


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

    spans = Spans()

    async def go() -> tuple[float, float, cProfile.Profile]:
        await _play(agent, 3)  # warm: first-turn costs are not the steady state
        wall = await _play(agent, turns)
        spans.install()
        await _play_spans(agent, turns, spans)
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
        "spans_ms_by_kind": spans.summary(),
        "parts_ms_per_turn": _parts(stats, turns),
        "top_cumulative": [{"function": f"{function} ({path.split('site-packages/')[-1]}:{line})",
                            "ms_per_turn": round(values[3] * 1000 / turns, 2)}
                           for (path, line, function), values in top],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
