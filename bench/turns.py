"""Turn latency by kind, side by side: NLU only, bare Rasa, the product's Rasa, the gateway.

One script per language: a greeting, two general questions, the start of an enquiry and
three form answers (fictitious person). Every turn is tagged with its kind, so a general
question and an enquiry turn are compared with ``/model/parse`` separately. The targets
are interleaved round by round, so load from other users of the machine hits them alike.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

import httpx

from bench.stats import ratio, summary_ms

# (kind, text): kinds "greet", "general" (a FAQ answer), "enquiry" (start or form answer).
SCRIPTS = {
    "de": [("greet", "Hallo"), ("general", "Was kostet eine Verlängerung?"),
           ("general", "Welche Unterlagen brauche ich?"),
           ("enquiry", "Ich möchte meine Aufenthaltserlaubnis verlängern"), ("enquiry", "Studium"),
           ("enquiry", "Ayşe Yılmaz"), ("enquiry", "3.3.1995")],
    "en": [("greet", "Hello"), ("general", "How much does an extension cost?"),
           ("general", "Which documents do I need?"),
           ("enquiry", "I want to extend my residence permit"), ("enquiry", "Study"),
           ("enquiry", "Priya Sharma"), ("enquiry", "3 March 1990")],
}
# A long conversation: general questions and small talk, over and over (no enquiry, so
# nothing is submitted and the form never ends the session).
GROWTH_CYCLE = ["Was kostet eine Verlängerung?", "Danke", "Welche Unterlagen brauche ich?", "ok",
                "Wie lange dauert es?", "Danke schön"]
TURN_TIMEOUT_S = 60.0


def rest_body(sender: str, text: str, language: str) -> dict:
    """A REST-channel message as the gateway and Rasa both accept it."""
    return {"sender": sender, "message": text, "metadata": {"channel": "rest", "language": language}}


async def post_turn(client: httpx.AsyncClient, url: str, body: dict) -> tuple[float, bool]:
    """One turn: (seconds, answered with 200)."""
    started = time.perf_counter()
    try:
        response = await client.post(url, json=body, timeout=TURN_TIMEOUT_S, headers=rest_headers())
        ok = response.status_code == 200
    except httpx.HTTPError:
        ok = False
    return time.perf_counter() - started, ok


async def run_script(client: httpx.AsyncClient, url: str, language: str, samples: dict[str, list[float]]) -> int:
    """One scripted conversation against a REST webhook url; appends latencies by kind; returns failures."""
    sender = f"bench-{uuid.uuid4().hex}"  # the gateway refuses guessable ids
    failures = 0
    for kind, text in SCRIPTS[language]:
        seconds, ok = await post_turn(client, url, rest_body(sender, text, language))
        samples.setdefault(kind, []).append(seconds)
        failures += not ok
    return failures


async def parse_script(client: httpx.AsyncClient, rasa_url: str, language: str, samples: dict[str, list[float]],
                       token: str | None = None) -> int:
    """The same texts through POST /model/parse only (NLU, no dialogue, no actions)."""
    failures = 0
    url = rasa_api(f"{rasa_url}/model/parse", token)
    for kind, text in SCRIPTS[language]:
        seconds, ok = await post_turn(client, url, {"text": text})
        samples.setdefault(kind, []).append(seconds)
        failures += not ok
    return failures


def rasa_api(url: str, token: str | None = None) -> str:
    """A URL of Rasa's HTTP API with its token (given, else INTAKE_RASA_TOKEN; "" for none: a stock Rasa)."""
    token = os.environ.get("INTAKE_RASA_TOKEN", "") if token is None else token
    return f"{url}?{urlencode({'token': token})}" if token else url


def rest_headers(token: str | None = None) -> dict[str, str]:
    """Headers for a REST-channel post: the product's Rasa answers its channel only with its
    token (bot/rasa_channel.py, header X-Intake-Rasa-Token; given, else INTAKE_RASA_TOKEN);
    the gateway and a stock Rasa ignore the header."""
    token = os.environ.get("INTAKE_RASA_TOKEN", "") if token is None else token
    return {"X-Intake-Rasa-Token": token} if token else {}


def webhook(url: str) -> str:
    """The REST channel's webhook on a gateway or a Rasa server."""
    return f"{url}/webhooks/rest/webhook"


def single(targets: dict[str, str], rasa_parse_url: str, rounds: int, stock_parse_url: str | None = None) -> dict:
    """One conversation at a time; per target and kind p50/p95; each round visits every target.

    ``model_parse`` is the product's Rasa's /model/parse (the ratios' base); ``stock_parse`` the
    stock Rasa's, whose NLU runs without bot/rasa_speedups.py (a reference, same model).
    """
    parses = {"model_parse": rasa_parse_url, **({"stock_parse": stock_parse_url} if stock_parse_url else {})}
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in [*parses, *targets]}
    failures = dict.fromkeys(samples, 0)

    async def go() -> None:
        async with httpx.AsyncClient() as client:
            for round_ in range(rounds):
                language = ("de", "en")[round_ % 2]
                for name, url in parses.items():
                    failures[name] += await parse_script(client, url, language, samples[name])
                for name, url in targets.items():
                    failures[name] += await run_script(client, webhook(url), language, samples[name])

    asyncio.run(go())
    return {name: {"failures": failures[name], **{kind: summary_ms(values) for kind, values in by_kind.items()}}
            for name, by_kind in samples.items()}


def concurrent(url: str, concurrency: int, parse: bool = False) -> dict:
    """`concurrency` scripted conversations at once (turns in order within each); all turns' latency, turns/s."""
    samples: dict[str, list[float]] = {}
    script: Callable = parse_script if parse else run_script
    target = url if parse else webhook(url)

    async def go() -> tuple[float, list[int]]:
        limits = httpx.Limits(max_connections=concurrency + 5)
        async with httpx.AsyncClient(limits=limits) as client:
            started = time.perf_counter()
            failures = await asyncio.gather(*(script(client, target, ("de", "en")[i % 2], samples)
                                              for i in range(concurrency)))
            return time.perf_counter() - started, failures

    wall, failures = asyncio.run(go())
    every = [s for values in samples.values() for s in values]
    return {**summary_ms(every), "enquiry": summary_ms(samples.get("enquiry", [])), "concurrency": concurrency,
            "wall_s": round(wall, 2), "per_s": round(len(every) / wall, 2), "failures": sum(failures)}


def growth(url: str, turns: int = 210, window: int = 10) -> dict:
    """One long conversation: p50 of the `window` turns around turn 10 and around turn `turns - 10`."""
    sender = f"bench-growth-{uuid.uuid4().hex}"

    async def go() -> tuple[list[float], int]:
        latencies, failures = [], 0
        async with httpx.AsyncClient() as client:
            for number in range(turns):
                text = "Hallo" if number == 0 else GROWTH_CYCLE[number % len(GROWTH_CYCLE)]
                seconds, ok = await post_turn(client, webhook(url), rest_body(sender, text, "de"))
                latencies.append(seconds)
                failures += not ok
        return latencies, failures

    latencies, failures = asyncio.run(go())
    return growth_summary(latencies, window) | {"failures": failures}


def growth_summary(latencies: list[float], window: int = 10) -> dict:
    """p50 of turns 6-15 ("turn 10") and of the last `window` turns ("turn N"), and their ratio."""
    early = summary_ms(latencies[5:5 + window])
    late = summary_ms(latencies[-window:])
    return {"turns": len(latencies), "turn_10": early, "late_turn": len(latencies) - window // 2, "late": late,
            "ratio_p50": ratio(late["p50_ms"], early["p50_ms"])}
