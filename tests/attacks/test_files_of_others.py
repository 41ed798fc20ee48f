"""Planted uploads and other people's confirmation PDFs (issue 12), now refused."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from tests.e2e.chat import Chat, internal_id, minimal_pdf, new_sender

pytestmark = pytest.mark.slow


def _upload(stack, sender: str, name: str = "planted.pdf") -> httpx.Response:
    return httpx.post(f"{stack.gateway_url}/api/uploads", timeout=60, data={"sender": sender, "language": "en"},
                      files={"file": (name, minimal_pdf("planted"), "application/pdf")})


def _uploads_named(stack, filename: str) -> list[str]:
    """The conversations the backend keeps a file of this name for."""
    conn = sqlite3.connect(stack.var_dir / "backend.sqlite3")
    try:
        return [row[0] for row in conn.execute("SELECT conversation_id FROM uploads WHERE filename = ?", (filename,))]
    finally:
        conn.close()


def test_a_file_cannot_be_planted_into_another_conversation(stack, web_victim, telegram_victim):
    """Any sender naming the victims: refused (guessable), a conversation nobody is having (409),
    or, when the attacker chatted under that name before, the attacker's own conversation."""
    victims = {web_victim.conversation_id, telegram_victim.conversation_id}
    targets = [web_victim.conversation_id, telegram_victim.conversation_id, f"tg-{telegram_victim.chat_id}",
               web_victim.conversation_id.removeprefix("web-"), new_sender()]
    for number, sender in enumerate(targets):
        response = _upload(stack, sender, f"planted-{number}.pdf")
        body = response.json()
        stored = _uploads_named(stack, f"planted-{number}.pdf")
        if response.status_code == 200 and body["accepted"]:
            assert stored == [internal_id(stack.var_dir, sender)], (sender, stored)
        else:
            assert response.status_code in (400, 409), (sender, response.status_code, response.text)
            assert body["upload"] is None and body["messages"] == [] and stored == []
        assert not victims & set(stored)
        assert web_victim.answers["name"] not in response.text and telegram_victim.answers["name"] not in response.text
    # A conversation nobody has had is refused outright.
    assert _upload(stack, new_sender(), "nobody.pdf").status_code == 409
    assert _uploads_named(stack, "nobody.pdf") == []


def test_an_upload_answer_shows_only_the_uploaders_own_conversation(stack, web_victim):
    """A live attacker's own upload is stored for the attacker only and shows nothing else."""
    attacker = Chat(stack.gateway_url, language="en")
    attacker.say("hello")
    response = _upload(stack, attacker.sender, "attackers-own.pdf")
    assert response.status_code == 200 and response.json()["accepted"], response.text
    assert _uploads_named(stack, "attackers-own.pdf") == [internal_id(stack.var_dir, attacker.sender)]
    for value in web_victim.secrets():
        assert value not in response.text
    assert {m["recipient_id"] for m in response.json()["messages"]} == {attacker.sender}


def test_another_conversations_pdf_cannot_be_downloaded(stack, web_victim, telegram_victim):
    """The token alone, with the attacker's own id, with the victim's internal id or chat id: 404."""
    url = f"{stack.gateway_url}/downloads/{web_victim.token}"
    attempts = [
        {}, {"X-Conversation": new_sender()}, {"X-Conversation": web_victim.conversation_id},
        {"X-Conversation": f"tg-{telegram_victim.chat_id}"},
    ]
    for headers in attempts:
        response = httpx.get(url, headers=headers, timeout=30)
        assert response.status_code == 404 and b"%PDF" not in response.content, headers
    # The old link form, with the conversation in the query, works no more.
    for sender in (web_victim.sender, web_victim.conversation_id):
        assert httpx.get(url, params={"sender": sender}, timeout=30).status_code == 404
    # A Telegram PDF: not through the public route, not through the bridge's without its token.
    if telegram_victim.token:
        tg_url = f"{stack.gateway_url}/downloads/{telegram_victim.token}"
        assert httpx.get(tg_url, headers={"X-Conversation": f"tg-{telegram_victim.chat_id}"}, timeout=30).status_code == 404
        internal = f"{stack.gateway_url}/internal/telegram/downloads/{telegram_victim.token}"
        assert httpx.get(internal, headers={"X-Telegram-Chat": str(telegram_victim.chat_id)}, timeout=30).status_code == 404
    # The owner still gets it.
    own = httpx.get(url, headers={"X-Conversation": web_victim.sender}, timeout=30)
    assert own.status_code == 200 and own.content == web_victim.pdf
