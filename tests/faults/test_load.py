"""Load: 50 conversations at once complete an enquiry; every case arrives exactly once.

The clients behave like people: they start within the first seconds and think a few
seconds before each answer. One Rasa server on this 2-core machine handles about two
turns a second, so 50 clients firing without pause would wait ~30 s per message and
hit the gateway's timeout (that is the capacity limit docs/OPERATIONS.md names).
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import time

import httpx
import pytest

from tests.e2e.chat import new_sender
from tests.faults.helpers import QUESTIONS, SUMMARY, backend_rows

pytestmark = pytest.mark.slow
CONVERSATIONS = 50
TIME_LIMIT_S = 480
THINK_S = (6.0, 12.0)  # before each answer
START_SPREAD_S = 10.0
LATENCIES: list[float] = []


def _tag(number: int) -> str:
    """Letters only (names refuse digits), unlikely to read as a word: qaa, qab, ..."""
    return f"q{chr(97 + number // 26)}{chr(97 + number % 26)}"


def _answers(number: int) -> dict[str, str]:
    tag = _tag(number)
    return {
        "name": f"Lena Lastprobe{tag}", "date_of_birth": "1.2.1991", "nationality": "Georgia",
        "case_number": "skip", "email": f"lena.{tag}@example.net", "phone": "skip", "message": "Kurze Frage",
    }


async def _say(client: httpx.AsyncClient, sender: str, text: str) -> str:
    started = time.monotonic()
    response = await client.post("/webhooks/rest/webhook", json={
        "sender": sender, "message": text, "metadata": {"language": "en"}})
    LATENCIES.append(time.monotonic() - started)
    assert response.status_code == 200, (sender, response.status_code, response.text[:200])
    return "\n".join(m.get("text") or "" for m in response.json())


async def _conversation(client: httpx.AsyncClient, sender: str, number: int) -> str:
    """One whole enquiry; returns the case number the assistant announced."""
    answers = _answers(number)
    think = random.Random(number)
    await asyncio.sleep(think.uniform(0, START_SPREAD_S))
    text = await _say(client, sender, "/enquiry_other")
    for _ in range(12):
        if SUMMARY in text:
            break
        field = next((name for pattern, name in QUESTIONS.items() if re.search(pattern, text, re.I)), None)
        assert field, (sender, text)
        await asyncio.sleep(think.uniform(*THINK_S))
        text = await _say(client, sender, answers[field])
    await asyncio.sleep(think.uniform(*THINK_S))
    text = await _say(client, sender, "/affirm")
    match = re.search(r"case number is (\S+?);", text)
    assert match, (sender, text)
    return match.group(1)


async def _run_all(gateway_url: str, senders: list[str]) -> list[str]:
    limits = httpx.Limits(max_connections=CONVERSATIONS)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=120, limits=limits) as client:
        return await asyncio.gather(*(_conversation(client, s, n) for n, s in enumerate(senders)))


@pytest.mark.timeout(TIME_LIMIT_S + 420)  # the first test of a session also waits for the stack to start
def test_fifty_concurrent_enquiries_each_arrive_exactly_once(stack):
    senders = [new_sender() for _ in range(CONVERSATIONS)]
    started = time.monotonic()
    numbers = asyncio.run(asyncio.wait_for(_run_all(stack.gateway_url, senders), TIME_LIMIT_S))
    elapsed = time.monotonic() - started
    ordered = sorted(LATENCIES)
    print(f"\n{CONVERSATIONS} enquiries, {len(ordered)} turns in {elapsed:.0f} s; latency median "
          f"{statistics.median(ordered):.1f} s, p95 {ordered[int(len(ordered) * 0.95)]:.1f} s, max {ordered[-1]:.1f} s")
    assert len(set(numbers)) == CONVERSATIONS
    for number, sender in enumerate(senders):
        [case] = backend_rows(stack.var_dir, sender)
        assert case["entries"] == 1 and case["case_number"] == numbers[number]
        assert case["family_name"] == f"Lastprobe{_tag(number)}"
