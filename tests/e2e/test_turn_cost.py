"""Turns Rasa can answer alone make no round trip to the action server (issue 17)."""

from __future__ import annotations

import os
import sqlite3
import subprocess

import httpx
import yaml

from bot.config import PROJECT_ROOT
from bot.runner.environment import rasa_env
from tests.e2e.chat import Chat, internal_id

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
LOAD_WINDOW = """
import asyncio, sys
from rasa.shared.core.domain import Domain
from bot.windowed_tracker_store import WindowedSQLTrackerStore
store = WindowedSQLTrackerStore(domain=Domain.load("domain"), dialect="sqlite", db=sys.argv[1],
                                window_turns=int(sys.argv[3]))
tracker = asyncio.run(store.retrieve(sys.argv[2]))
print(sum(1 for event in tracker.events if event.type_name == "user"), tracker.get_slot("language"))
"""


def _language_slot(stack, chat) -> str:
    """The language Rasa stored for the conversation (its HTTP API, with its token)."""
    response = httpx.get(f"{stack.rasa_url}/conversations/{internal_id(stack.var_dir, chat.sender)}/tracker",
                         params={"token": stack.settings.rasa_token}, timeout=60)
    response.raise_for_status()
    return response.json()["slots"]["language"]


def test_the_language_is_chosen_inside_rasa_even_with_the_action_server_down(stack):
    # Greetings go through the conversation model (action server) since small talk can carry a
    # follow-up; with it down the gateway answers its bilingual notice, and Rasa alone still
    # decides the language (bot/language_policy.py).
    chat = Chat(stack.gateway_url, language="de")
    stack.stop_service("actions")
    try:
        chat.say("Hello, good morning")  # clearly English on a German page: the first message decides
        assert _language_slot(stack, chat) == "en"
        chat.say("Hallo, guten Tag")  # a clear German greeting switches back
        assert _language_slot(stack, chat) == "de"
        chat.say("hi")  # a single word keeps the conversation's language
        assert _language_slot(stack, chat) == "de"
    finally:
        stack.start_service("actions")
    chat.say("hi")
    assert "Guten Tag" in chat.text, chat.text


def test_a_conversation_longer_than_the_tracker_window_keeps_its_state(stack):
    # endpoints.yml: Rasa loads the state and the last few turns (bot/windowed_tracker_store.py).
    turns = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())["tracker_store"]["window_turns"]
    assert turns < 25
    chat = Chat(stack.gateway_url, language="de")
    chat.say("Hello, I have a question please")
    chat.say("ok")
    english_ok = chat.text
    for _ in range(12):
        chat.say("How much does an extension cost?")
        chat.say("thanks")
    chat.say("ok")  # one word: the language the early turns chose still holds
    assert chat.text == english_ok
    with sqlite3.connect(stack.var_dir / "tracker.sqlite3") as db:
        [(stored,)] = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'",
                                 (internal_id(stack.var_dir, chat.sender),)).fetchall()
    assert stored == 27, "every turn stored once: none lost, none twice"
    # What Rasa loads for the next turn (Rasa's HTTP API shows the full tracker instead).
    loaded = subprocess.run([str(RASA_PYTHON), "-c", LOAD_WINDOW, str(stack.var_dir / "tracker.sqlite3"),
                             internal_id(stack.var_dir, chat.sender), str(turns)],
                            env={**os.environ, **rasa_env()}, cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert loaded.stdout.split() == [str(turns), "en"], loaded.stderr[-2000:]
