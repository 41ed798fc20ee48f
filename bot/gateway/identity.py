"""Who a conversation belongs to: the public ``sender`` is a bearer secret, never passed on.

A web client (widget or any Rasa REST client) names its conversation with a random id
it keeps to itself. The gateway never hands that id to Rasa, the action server or the
backend: they see ``web-`` + HMAC-SHA256(key, "web:" + sender). A Telegram chat is
``tg-`` + HMAC-SHA256(key, "tg:" + chat id), reachable only through the bridge's
authenticated internal routes (bot/gateway/internal.py). So knowing a chat id, or the
internal id from a log or a database row, reaches nothing: a public client's id is
always hashed into the ``web-`` space.

Guessable senders (short, few distinct characters, other characters) are refused:
whoever guesses another client's id would continue that client's conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

from bot.config import Settings

KEY_VARIABLE = "INTAKE_CONVERSATION_KEY"
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,128}")
# A random id of 22+ characters has many more; "aaaa...", "1111-2222-..." have fewer.
MIN_DISTINCT_CHARACTERS = 8
# 32 hex digits = 128 bits: collisions and guessing are out of reach.
DIGEST_HEX_CHARS = 32


def acceptable_sender(sender: object) -> bool:
    """True for an id a stranger cannot guess (README: public chat API, conversation ids)."""
    return (
        isinstance(sender, str)
        and SENDER_PATTERN.fullmatch(sender) is not None
        and len(set(sender)) >= MIN_DISTINCT_CHARACTERS
    )


def _keyed(key: str, channel: str, external: str) -> str:
    digest = hmac.new(key.encode("utf-8"), f"{channel}:{external}".encode("utf-8"), hashlib.sha256)
    return f"{channel}-{digest.hexdigest()[:DIGEST_HEX_CHARS]}"


def web_conversation(key: str, sender: str) -> str:
    """The internal conversation id of a public sender."""
    return _keyed(key, "web", sender)


def telegram_conversation(key: str, chat_id: int | str) -> str:
    """The internal conversation id of a Telegram chat."""
    return _keyed(key, "tg", str(int(chat_id)))


@lru_cache(maxsize=8)
def _stored_key(var_dir: str) -> str:
    from bot.runner.environment import stored_secret

    return stored_secret(var_dir, KEY_VARIABLE)


def conversation_key(settings: Settings) -> str:
    """The hashing key: INTAKE_CONVERSATION_KEY, else var/secrets.env (generated once).

    Every gateway of one installation needs the same key (set it explicitly when there
    are several); changing it starts every conversation afresh.
    """
    return settings.conversation_key or _stored_key(str(settings.var_dir))
