"""The action server's caller check (bot/ops/action_server.py), without a running server."""

from __future__ import annotations

from bot.ops.action_server import caller_allowed

TOKEN = "a-long-random-actions-token-0123456789"


def test_only_the_token_opens_the_action_routes():
    for path in ("/webhook", "/actions", "/anything"):
        assert caller_allowed(path, TOKEN, TOKEN)
        assert not caller_allowed(path, None, TOKEN)
        assert not caller_allowed(path, "", TOKEN)
        assert not caller_allowed(path, TOKEN[:-1], TOKEN)
        assert not caller_allowed(path, TOKEN + "x", TOKEN)


def test_health_and_metrics_answer_without_it():
    for path in ("/health", "/health/live", "/health/ready", "/metrics"):
        assert caller_allowed(path, None, TOKEN)


def test_no_configured_token_opens_nothing_outside_development():
    assert not caller_allowed("/webhook", "", "")
    assert not caller_allowed("/webhook", "anything", "")
    assert caller_allowed("/webhook", None, "", development=True)
