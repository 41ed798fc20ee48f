"""Where a turn's time goes: pyinstrument profiles of the action server and the gateway.

Both run in this process against the running stack, so they need no profiler inside
the product. The action server's part replays the exact request Rasa sends
(next action, whole tracker, domain) through rasa_sdk's executor with our actions; the
gateway's part sends turns through the gateway app (ASGI, in process) to the stack's
Rasa. The same replay over HTTP, with the tracker of turn 10 and of turn 200, shows
what the tracker's size costs the action server.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx

from bench.stats import ratio, summary_ms
from bench.turns import GROWTH_CYCLE, rasa_api, rest_body, rest_headers, webhook

PROFILE_INTERVAL_S = 0.0005
TOP_FRAMES = 12


def tracker(rasa_url: str, sender: str) -> dict:
    """The conversation's whole tracker as Rasa sends it to the action server."""
    # The events parameter goes into the URL itself: httpx's `params` would replace the token.
    response = httpx.get(_with(rasa_api(f"{rasa_url}/conversations/{sender}/tracker"), "include_events=ALL"), timeout=30)
    response.raise_for_status()
    return response.json()


def _with(url: str, query: str) -> str:
    """The URL with one more query parameter."""
    return f"{url}{'&' if '?' in url else '?'}{query}"


def domain(rasa_url: str) -> dict:
    """The model's domain as JSON (what Rasa puts into every action call)."""
    response = httpx.get(rasa_api(f"{rasa_url}/domain"), headers={"Accept": "application/json"}, timeout=30)
    response.raise_for_status()
    return response.json()


def action_call(action: str, sender: str, tracker_state: dict, domain_dict: dict) -> dict:
    """The body of Rasa's POST to the action server's /webhook."""
    return {"next_action": action, "sender_id": sender, "tracker": tracker_state, "domain": domain_dict,
            "version": "3.6.21"}


def talk(rasa_url: str, sender: str, texts: list[str]) -> None:
    """Send texts in one conversation straight to Rasa's REST channel (so the tracker is
    under this sender; the gateway would hash it), building a tracker of a known length.
    The product's Rasa answers its REST channel only with its token (``rest_headers``)."""
    with httpx.Client(timeout=60, headers=rest_headers()) as client:
        for text in texts:
            client.post(webhook(rasa_url), json=rest_body(sender, text, "de")).raise_for_status()


def top_frames(profiler, limit: int = TOP_FRAMES) -> list[dict]:
    """The heaviest functions by own time (seconds, share), from a pyinstrument session."""
    totals: dict[str, float] = {}

    def walk(frame) -> None:
        if frame is None:
            return
        key = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        totals[key] = totals.get(key, 0.0) + frame.total_self_time
        for child in frame.children:
            walk(child)

    session = profiler.last_session
    walk(session.root_frame())
    overall = sum(totals.values()) or 1.0
    heaviest = sorted(totals.items(), key=lambda item: -item[1])[:limit]
    return [{"function": name, "self_s": round(seconds, 4), "share": round(seconds / overall, 3)}
            for name, seconds in heaviest]


def profile_actions(rasa_url: str, repeats: int = 40) -> dict:
    """pyinstrument over rasa_sdk's executor running a general question's and a form answer's actions."""
    from pyinstrument import Profiler
    from rasa_sdk.executor import ActionExecutor

    domain_dict = domain(rasa_url)
    # A general question (the conversation model's action) and a form answer (the form's
    # validation and its question), each with the tracker Rasa had at that point.
    asking, answering = f"bench-profile-{uuid.uuid4().hex}", f"bench-profile-{uuid.uuid4().hex}"
    talk(rasa_url, asking, ["Hallo", "Was kostet eine Verlängerung?"])
    talk(rasa_url, answering, ["Ich möchte meine Aufenthaltserlaubnis verlängern", "Studium"])
    general, form = tracker(rasa_url, asking), tracker(rasa_url, answering)
    # (The form's question comes back with the validation: no ask action call, bot/rasa_speedups.py.)
    calls = [action_call("action_converse", asking, general, domain_dict),
             action_call("validate_enquiry_form", answering, form, domain_dict)]
    executor = ActionExecutor()
    executor.register_package("actions")

    async def replay() -> None:
        for _ in range(repeats):
            for call in calls:
                await executor.run(call)

    asyncio.run(replay())  # warm: content files read, caches filled
    profiler = Profiler(interval=PROFILE_INTERVAL_S, async_mode="disabled")
    profiler.start()
    started = time.perf_counter()
    asyncio.run(replay())
    wall = time.perf_counter() - started
    profiler.stop()
    return {"actions": [c["next_action"] for c in calls], "per_turn_ms": round(wall / repeats * 1000, 2),
            "cpu_ms_per_turn": round(profiler.last_session.cpu_time / repeats * 1000, 2),
            "top": top_frames(profiler), "text": profiler.output_text(unicode=False, color=False)}


def profile_gateway(settings, repeats: int = 30) -> dict:
    """pyinstrument over the gateway app in process (ASGI), forwarding general questions to the stack's Rasa."""
    from pyinstrument import Profiler

    from bot.gateway.app import create_app

    app = create_app(settings)  # the stack's settings: its Rasa, its conversation key
    sender = f"bench-profile-{uuid.uuid4().hex}"

    async def go() -> tuple[float, object]:
        profiler = Profiler(interval=PROFILE_INTERVAL_S, async_mode="enabled")
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                await client.post("/webhooks/rest/webhook", json=rest_body(sender, "Hallo", "de"))
                profiler.start()
                started = time.perf_counter()
                for number in range(repeats):
                    text = GROWTH_CYCLE[number % 3 * 2]  # general questions only
                    await client.post("/webhooks/rest/webhook", json=rest_body(sender, text, "de"))
                wall = time.perf_counter() - started
                profiler.stop()
        return wall, profiler

    wall, profiler = asyncio.run(go())
    return {"per_turn_ms": round(wall / repeats * 1000, 2),
            "cpu_ms_per_turn": round(profiler.last_session.cpu_time / repeats * 1000, 2), "top": top_frames(profiler),
            "text": profiler.output_text(unicode=False, color=False)}


ACTION_TOKEN_HEADER = "X-Intake-Action-Token"  # bot/ops/action_server.py: only Rasa's calls (with it) are run


def action_call_growth(rasa_url: str, actions_url: str, repeats: int = 20, actions_token: str = "") -> dict:
    """The action server's /webhook time for the general-question action with the tracker at turn 10 and 200
    (``actions_token``: the stack's INTAKE_ACTIONS_TOKEN, which the action server asks of every call)."""
    sender = f"bench-calls-{uuid.uuid4().hex}"
    domain_dict = domain(rasa_url)
    texts = ["Hallo"] + [GROWTH_CYCLE[n % len(GROWTH_CYCLE)] for n in range(1, 200)]
    results = {}
    headers = {ACTION_TOKEN_HEADER: actions_token} if actions_token else {}
    with httpx.Client(timeout=60, headers=headers) as client:
        for label, (first, upto) in (("turn_10", (0, 10)), ("turn_200", (10, 200))):
            talk(rasa_url, sender, texts[first:upto])
            state = tracker(rasa_url, sender)
            body = action_call("action_converse", sender, state, domain_dict)
            timings = []
            for _ in range(repeats):
                started = time.perf_counter()
                client.post(f"{actions_url}/webhook", json=body).raise_for_status()
                timings.append(time.perf_counter() - started)
            results[label] = {**summary_ms(timings), "events": len(state.get("events", [])),
                              "request_kib": round(len(httpx.Request("POST", "/", json=body).content) / 1024, 1)}
    results["ratio_p50"] = ratio(results["turn_200"]["p50_ms"], results["turn_10"]["p50_ms"])
    return results


def round_trips(rasa_url: str) -> dict:
    """Action-server calls per turn kind in one scripted conversation, read from Rasa's tracker.

    A custom action logged in a turn is one call; a form run adds its ``validate_<form>``
    call and, when it asks for a slot with a custom ``action_ask_...``, that call too, unless
    Rasa sent the question the validation prepared (``prepared_question`` cleared).
    """
    from bench.turns import SCRIPTS

    sender = f"bench-trips-{uuid.uuid4().hex}"
    script = SCRIPTS["de"]
    talk(rasa_url, sender, [text for _, text in script])
    domain_dict = domain(rasa_url)
    custom = set(domain_dict.get("actions", []))
    forms = set(domain_dict.get("forms", {}))
    calls: list[int] = []
    form = None  # the form of the latest form run: it asks for its requested slot itself
    for event in tracker(rasa_url, sender)["events"]:
        if event["event"] == "user":
            calls.append(0)
        elif event["event"] == "action" and calls:
            name = event.get("name")
            form = name if name in forms else None
            calls[-1] += (name in custom) + (form is not None and f"validate_{name}" in custom)
        elif form and calls and event["event"] == "slot" and event.get("name") == "requested_slot" and event.get("value"):
            # Rasa runs the ask action inside the form run: no action event of its own.
            slot = event["value"]
            calls[-1] += f"action_ask_{form}_{slot}" in custom or f"action_ask_{slot}" in custom
        elif form and calls and event["event"] == "slot" and event.get("name") == "prepared_question" \
                and event.get("value") is None:
            calls[-1] -= 1  # Rasa sent the question the validation prepared: no ask call (bot/rasa_speedups.py)
    by_kind: dict[str, list[int]] = {}
    for (kind, _), count in zip(script, calls):
        by_kind.setdefault(kind, []).append(count)
    return {kind: {"per_turn": counts, "max": max(counts)} for kind, counts in by_kind.items()}


def profile_rasa(model, actions_url: str, work_dir, turns: int = 30, actions_token: str = "") -> dict:
    """cProfile of Rasa's own turn (bench/rasa_profile.py in Rasa's venv) against the stack's action server
    (``actions_token``: its INTAKE_ACTIONS_TOKEN, which endpoints.yml sends)."""
    import json
    import os
    import subprocess

    from bot.config import PROJECT_ROOT
    from bot.runner.environment import rasa_env

    work_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **rasa_env(), "INTAKE_ACTIONS_URL": f"{actions_url}/webhook",
           "INTAKE_TRACKER_DB": str(work_dir / "tracker.sqlite3"), "INTAKE_ACTIONS_TOKEN": actions_token}
    done = subprocess.run([str(PROJECT_ROOT / ".venv-rasa" / "bin" / "python"), "-m", "bench.rasa_profile",
                           str(model), str(PROJECT_ROOT / "endpoints.yml"), str(turns)],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"rasa profile failed: {done.stderr[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
