"""A few conversations of the evaluation set through the public chat API (the full set: `make evaluate`).

Proves the runner and the judge work against the real product and that the kinds the
conversation model handles stay right; one conversation per kind (follow-up, two questions, matter question, mid-form, applying, not covered, out of scope) keeps it fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.staffcheck.conversations import load_conversations
from scripts.conversation_runner import CONVERSATIONS_DIR, run

SMOKE = ["de-apply-01", "en-apply-03", "de-follow-01", "en-two-01", "de-matter-01", "en-mid-01", "de-nocov-01", "en-oos-01"]


@pytest.fixture(scope="module")
def outcomes(stack):
    conversations = [c for c in load_conversations(Path(CONVERSATIONS_DIR)) if c.id in SMOKE]
    assert len(conversations) == len(SMOKE)
    return {o.conversation.id: o for o in run(stack.gateway_url, conversations, progress=lambda _: None)}


@pytest.mark.parametrize("conversation_id", SMOKE)
def test_conversation_is_right(outcomes, conversation_id):
    outcome = outcomes[conversation_id]
    assert outcome.right, outcome.failures
