"""The gateway's hop to Rasa (bot/gateway/conversation.py) against a stand-in for Rasa's REST
channel on a real port: the token and the turn go out, the answers come back, failures are
``AssistantUnavailable``, and the turns of one conversation never overtake each other."""

from __future__ import annotations

import asyncio
import socket

import pytest
import pytest_asyncio
from aiohttp import web

from bot.gateway.conversation import RASA_TOKEN_HEADER, AssistantUnavailable, ConversationCore

pytestmark = pytest.mark.asyncio


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StandInRasa:
    def __init__(self) -> None:
        self.seen: list[tuple[str | None, dict]] = []
        self.status = 200
        self.delay_first_s = 0.0

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.seen.append((request.headers.get(RASA_TOKEN_HEADER), body))
        if len(self.seen) == 1 and self.delay_first_s:
            await asyncio.sleep(self.delay_first_s)
        if self.status != 200:
            return web.json_response({"error": "boom"}, status=self.status)
        return web.json_response([{"recipient_id": body["sender"], "text": f"re: {body['message']}"}])


@pytest_asyncio.fixture
async def rasa():
    stand_in = StandInRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", stand_in.webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stand_in.url = f"http://127.0.0.1:{port}"
    yield stand_in
    await runner.cleanup()


async def test_a_turn_goes_to_rasa_with_the_token_and_its_answers_come_back(rasa):
    core = ConversationCore(rasa.url, rasa_token="the-rasa-token-0123456789")
    try:
        answers = await core.send("web-abc", "Hallo", {"channel": "rest", "language": "de"})
        again = await core.send("web-abc", "Danke", {"channel": "rest"})
    finally:
        await core.close()
    assert answers == [{"recipient_id": "web-abc", "text": "re: Hallo"}] and again[0]["text"] == "re: Danke"
    (token, body), _ = rasa.seen
    assert token == "the-rasa-token-0123456789"
    assert body["sender"] == "web-abc" and body["message"] == "Hallo"
    assert body["metadata"]["channel"] == "rest" and body["metadata"]["language"] == "de"


async def test_an_error_or_no_rasa_is_assistant_unavailable(rasa):
    core = ConversationCore(rasa.url)
    rasa.status = 500
    with pytest.raises(AssistantUnavailable, match="HTTP 500"):
        await core.send("web-abc", "Hallo")
    await core.close()
    nobody = ConversationCore(f"http://127.0.0.1:{_free_port()}", timeout_s=5)
    with pytest.raises(AssistantUnavailable):
        await nobody.send("web-abc", "Hallo")
    await nobody.close()


async def test_turns_of_one_conversation_wait_for_each_other_and_others_do_not(rasa):
    rasa.delay_first_s = 0.5
    core = ConversationCore(rasa.url)
    try:
        first = asyncio.create_task(core.send("web-one", "first"))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(core.send("web-one", "second"))
        other = asyncio.create_task(core.send("web-two", "other"))
        await asyncio.wait_for(other, 5)
        assert not first.done()  # another conversation went past the slow turn
        await asyncio.gather(first, second)
    finally:
        await core.close()
    assert [body["message"] for _, body in rasa.seen] == ["first", "other", "second"]
