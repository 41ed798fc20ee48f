"""The command menu and flood control of the bridge, against the fake Bot API and a recording gateway."""

from __future__ import annotations

import pytest

from bot.channels.telegram.texts import COMMANDS, text

pytestmark = pytest.mark.asyncio

CHAT = 5150
MENU = ["start", "help", "cancel", "language", "confirmation"]


async def test_the_menu_is_set_in_german_english_and_by_default(bridge, fake_telegram):
    assert set(fake_telegram.commands) == {"de", "en", ""}
    for language_code, language in (("de", "de"), ("en", "en"), ("", "en")):
        menu = fake_telegram.commands[language_code]
        assert [c["command"] for c in menu] == MENU
        assert [c["description"] for c in menu] == list(COMMANDS[language].values())
    assert "bestätigung" in fake_telegram.commands["de"][-1]["description"]


@pytest.mark.parametrize("command, payload", [
    ("/help", "/show_menu"), ("/cancel", "/cancel"), ("/confirmation", "/request_confirmation"),
    ("/help@intake_test_bot", "/show_menu"),
])
async def test_each_command_reaches_the_assistant_as_its_payload(bridge, fake_telegram, gateway, command, payload):
    fake_telegram.push_text(CHAT, command, language_code="en")
    await fake_telegram.wait_for_messages(CHAT, 1)
    assert gateway.messages_of(CHAT) == [payload]  # once: the text handler did not run too
    assert gateway.chats[-1]["metadata"]["language"] == "en"


async def test_language_offers_both_languages_and_switches(bridge, fake_telegram, gateway):
    fake_telegram.push_text(CHAT, "/language", language_code="de")
    [prompt] = await fake_telegram.wait_for_messages(CHAT, 1)
    assert prompt["text"] == text("choose_language", "de")
    titles = [b["text"] for row in prompt["reply_markup"]["inline_keyboard"] for b in row]
    assert titles == ["Deutsch", "English"] and gateway.chats == []
    fake_telegram.press_button(CHAT, title="English", language_code="de")
    await fake_telegram.wait_for_messages(CHAT, 2)
    assert gateway.messages_of(CHAT) == ["in English please"]


async def test_telegrams_flood_control_is_waited_out_not_lost(bridge, fake_telegram, gateway):
    """Telegram answers 429 "retry after 1": PTB's AIORateLimiter waits and sends again."""
    fake_telegram.flood_control["sendMessage"] = 1
    fake_telegram.push_text(CHAT, "hello", language_code="en")
    await fake_telegram.wait_for_messages(CHAT, 1, timeout=15)
    assert fake_telegram.texts(CHAT) == ["echo: hello"]
    assert len(fake_telegram.requests("sendMessage")) == 2  # refused once, then delivered


async def test_the_bridge_identifies_itself_to_the_gateway(bridge, fake_telegram, gateway):
    """The internal token exempts all Telegram users (one source address) from per-address limits."""
    fake_telegram.push_text(CHAT, "hi", language_code="en")
    await fake_telegram.wait_for_messages(CHAT, 1)
    assert gateway.tokens == {"test-internal-token"}
