"""Unit tests of the callback_data mapping (no network)."""

from __future__ import annotations

from bot.channels.telegram.keyboard import (
    CALLBACK_DATA_LIMIT,
    TITLE_LIMIT,
    CallbackPayloads,
    build_keyboard,
)
from bot.channels.telegram.texts import TEXTS, language_of

LONG = "/inform" + '{"x": "' + "ä" * 40 + '"}'  # 40 umlauts are 80 bytes


def test_payload_that_fits_is_sent_as_is():
    """A payload of at most 64 bytes needs no mapping."""
    payloads = CallbackPayloads()
    assert payloads.encode(1, "/affirm") == "/affirm"
    assert payloads.decode(1, "/affirm") == "/affirm"


def test_long_payload_maps_to_a_short_id_of_this_chat_only():
    """Bytes, not characters, count; a chat cannot redeem another chat's ids."""
    payloads = CallbackPayloads()
    assert len(LONG) < CALLBACK_DATA_LIMIT < len(LONG.encode())
    short = payloads.encode(1, LONG)
    assert len(short.encode()) <= CALLBACK_DATA_LIMIT
    assert payloads.decode(1, short) == LONG
    assert payloads.decode(2, short) is None


def test_maps_are_bounded_per_chat_and_in_chats():
    """Old ids expire instead of growing without limit."""
    payloads = CallbackPayloads(per_chat=2, chats=2)
    first, second, third = (payloads.encode(1, LONG + str(i)) for i in range(3))
    assert payloads.decode(1, first) is None
    assert payloads.decode(1, third) == LONG + "2"
    payloads.encode(2, LONG)
    payloads.encode(3, LONG)
    assert payloads.decode(1, second) is None  # chat 1 was the least recently used


def test_keyboard_skips_incomplete_buttons_and_cuts_long_titles():
    """One button per row; buttons without title or payload are left out."""
    markup = build_keyboard(
        [{"title": "T" * 300, "payload": "/a"}, {"title": "", "payload": "/b"}, {"title": "c"}],
        1, CallbackPayloads(),
    )
    [[button]] = markup.inline_keyboard
    assert len(button.text) == TITLE_LIMIT and button.text.endswith("…")
    assert build_keyboard([{"title": "x"}], 1, CallbackPayloads()) is None


def test_every_text_exists_in_german_and_english():
    """The bridge's own texts are bilingual."""
    for key, variants in TEXTS.items():
        assert set(variants) == {"de", "en"}, key
        assert variants["de"] != variants["en"], key


def test_language_from_telegram_language_code():
    """de, de-AT, de-CH give German; anything else or nothing gives English."""
    assert [language_of(c) for c in ("de", "de-AT", "DE-ch", "en", "tr", "", None)] == [
        "de", "de", "de", "en", "en", "en", "en"]
