"""Two Rasa servers share conversations through PostgreSQL (tracker) and Redis (locks).

Clients talk to Rasa's REST channel directly, as a load balancer in front of several
Rasa servers would forward them, turn by turn to whichever server it picks.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import psycopg
import pytest

from bot.gateway.conversation import RASA_TOKEN_HEADER
from bot.privacy.purge import purge_trackers
from tests.e2e.chat import Chat
from tests.faults.helpers import answer_until_summary, assert_complete_case, conversation_rows, person

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


class AlternatingChat(Chat):
    """A chat whose every message goes to the next server in turn (A, B, A, ...)."""

    def __init__(self, urls: list[str], token: str) -> None:
        super().__init__(urls[0], language="en", headers={RASA_TOKEN_HEADER: token})
        self.urls = urls
        self.turn = 0

    def say(self, text: str, **metadata):
        self.base_url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        return super().say(text, **metadata)


def _tracker_events(server_url: str, sender: str) -> list[dict]:
    response = httpx.get(f"{server_url}/conversations/{sender}/tracker", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["events"]


def test_an_enquiry_alternating_between_two_servers_is_complete(stack, rasa_pair, tracker_database):
    a, b = rasa_pair
    chat = AlternatingChat([a.url, b.url], stack.settings.rasa_token)
    answers = person("Oscar")
    chat.say("/enquiry_other")
    asked = answer_until_summary(chat, answers)
    # Each answer went to the other server than the question: both know the whole form.
    assert asked == ["name", "date_of_birth", "nationality", "case_number", "email", "phone", "message"]
    assert chat.turn == 8
    chat.say("/affirm")
    assert "case number is" in chat.text, chat.text
    [case] = conversation_rows(stack.var_dir, chat.sender)  # straight to Rasa: no gateway hashing
    assert_complete_case(case, answers)
    # The conversation lives in PostgreSQL, not in either server.
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{tracker_database}") as conn:
        stored = conn.execute("SELECT COUNT(*) FROM events WHERE sender_id = %s AND type_name = 'user'",
                              (chat.sender,)).fetchone()[0]
    assert stored == 9


async def _send_both(urls: list[str], sender: str, texts: list[str], token: str) -> list[list[dict]]:
    """Send every text at once, alternating between the servers; their answers."""
    async with httpx.AsyncClient(timeout=120, headers={RASA_TOKEN_HEADER: token}) as client:
        async def send(number: int, text: str) -> list[dict]:
            response = await client.post(f"{urls[number % 2]}/webhooks/rest/webhook",
                                         json={"sender": sender, "message": text, "metadata": {"language": "en"}})
            assert response.status_code == 200, response.text
            return response.json()

        return await asyncio.gather(*(send(n, t) for n, t in enumerate(texts)))


def test_concurrent_messages_on_both_servers_are_processed_one_after_the_other(stack, rasa_pair):
    a, b = rasa_pair
    sender = f"scaleout-{uuid.uuid4().hex[:10]}"
    texts = [f"What does an extension cost? ({n})" for n in range(10)]
    answers = asyncio.run(_send_both([a.url, b.url], sender, texts, stack.settings.rasa_token))
    assert all(answers), "every message got an answer"

    events = _tracker_events(b.url, sender)
    users = [e["text"] for e in events if e["event"] == "user"]
    # None lost, none twice.
    assert sorted(users) == sorted(texts), users
    # One turn at a time: every message after the first follows the previous turn's
    # action_listen, so no two turns were processed interleaved.
    for index, event in enumerate(events):
        if event["event"] == "user" and event["text"] != users[0]:
            before = [e for e in events[:index] if e["event"] in ("action", "user")]
            assert before[-1].get("name") == "action_listen", (event["text"], before[-3:])
    turns = [e for e in events if e["event"] == "user" or e.get("name") == "action_listen"]
    assert [e["event"] for e in turns[-2 * len(texts):]] == ["user", "action"] * len(texts)


def test_the_retention_purge_empties_the_shared_postgresql_store(stack, rasa_pair, tracker_database):
    a, b = rasa_pair
    chat = AlternatingChat([a.url, b.url], stack.settings.rasa_token)
    chat.say("/enquiry_other")
    chat.say("Zofia Purgetest")
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{tracker_database}"
    assert purge_trackers(url, 3600).conversations_deleted == 0  # all recent
    result = purge_trackers(url, 3600, now=time.time() + 7200)
    assert result.conversations_deleted >= 1
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{tracker_database}") as conn:
        left = conn.execute("SELECT COUNT(*) FROM events WHERE sender_id = %s", (chat.sender,)).fetchone()[0]
    assert left == 0
    chat.say("Hallo")  # the next message starts a fresh conversation on either server
    assert "date of birth" not in chat.text
