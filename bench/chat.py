"""Chat latency and throughput: full turns through the gateway vs bare Rasa NLU parsing.

A conversation greets, asks a FAQ question, starts an extension enquiry and answers the
first questions (fictitious person). Conversations run concurrently, turns within one
conversation in order, as real clients do.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx

from bench.stats import ratio, summary_ms

CONVERSATIONS = {
    "de": ["Hallo", "Was kostet eine Verlängerung?", "Ich möchte meine Aufenthaltserlaubnis verlängern",
           "Studium", "Ayşe Yılmaz", "3.3.1995"],
    "en": ["Hello", "How much does an extension cost?", "I want to extend my residence permit",
           "Study", "Priya Sharma", "3 March 1990"],
}
TURN_TIMEOUT_S = 60.0


async def _conversation(client: httpx.AsyncClient, gateway_url: str, language: str, latencies: list[float]) -> int:
    """One conversation; appends each turn's latency; returns the number of failed turns."""
    sender = f"bench-{uuid.uuid4().hex}"
    failures = 0
    for text in CONVERSATIONS[language]:
        body = {"sender": sender, "message": text, "metadata": {"channel": "rest", "language": language}}
        started = time.perf_counter()
        try:
            response = await client.post(f"{gateway_url}/webhooks/rest/webhook", json=body, timeout=TURN_TIMEOUT_S)
            ok = response.status_code == 200 and bool(response.json())
        except httpx.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - started)
        failures += not ok
    return failures


async def _parse_stream(client: httpx.AsyncClient, rasa_url: str, texts: list[str], latencies: list[float],
                        token: str = "") -> int:
    """Parse texts one after another; returns the number of failed requests."""
    failures = 0
    for text in texts:
        started = time.perf_counter()
        try:
            response = await client.post(f"{rasa_url}/model/parse", json={"text": text}, timeout=TURN_TIMEOUT_S,
                                         params={"token": token} if token else None)
            failures += response.status_code != 200
        except httpx.HTTPError:
            failures += 1
        latencies.append(time.perf_counter() - started)
    return failures


async def _run(concurrency: int, make_task) -> dict:
    """Run `concurrency` streams at once; latency summary, throughput and failures."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency + 5)
    async with httpx.AsyncClient(limits=limits) as client:
        started = time.perf_counter()
        failures = await asyncio.gather(*(make_task(client, i, latencies) for i in range(concurrency)))
        wall = time.perf_counter() - started
    return {**summary_ms(latencies), "concurrency": concurrency, "wall_s": round(wall, 2),
            "per_s": round(len(latencies) / wall, 2), "failures": sum(failures)}


def chat_turns(gateway_url: str, concurrency: int, rounds: int = 1) -> dict:
    """Full conversations through the public chat API, `concurrency` at a time, `rounds` each."""

    async def stream(client, index, latencies):
        failures = 0
        for round_ in range(rounds):
            language = ("de", "en")[(index + round_) % 2]
            failures += await _conversation(client, gateway_url, language, latencies)
        return failures

    return asyncio.run(_run(concurrency, stream))


def bare_parse(rasa_url: str, concurrency: int, rounds: int = 1, token: str = "") -> dict:
    """The same texts through Rasa's POST /model/parse only (NLU, no dialogue, no actions); token: INTAKE_RASA_TOKEN."""
    texts = CONVERSATIONS["de"] + CONVERSATIONS["en"]

    async def stream(client, _index, latencies):
        return await _parse_stream(client, rasa_url, texts * rounds, latencies, token)

    return asyncio.run(_run(concurrency, stream))


def bench_chat(gateway_url: str, rasa_url: str, concurrencies=(1, 20), single_rounds: int = 4,
               rasa_token: str = "") -> dict:
    """Chat turns and bare parses at each concurrency, with the gateway/parse p50 ratio."""
    results = {}
    for concurrency in concurrencies:
        rounds = single_rounds if concurrency == 1 else 1
        turns = chat_turns(gateway_url, concurrency, rounds)
        parses = bare_parse(rasa_url, concurrency, max(1, rounds // 2), rasa_token)
        results[str(concurrency)] = {"chat_turn": turns, "model_parse": parses,
                                     "ratio_p50": ratio(turns["p50_ms"], parses["p50_ms"])}
    return results
