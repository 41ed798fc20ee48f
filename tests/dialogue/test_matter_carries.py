"""A matter that is only how, not what (an appointment), does not carry to a question on another topic."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said


@pytest.mark.parametrize("texts, language, expected", [
    (["Wie kriege ich einen Termin?", "was kostet eigentlich eine Verlängerung?"], "de", ["96"]),
    (["Wie kriege ich einen Termin?", "und die Gebühren?"], "de", ["96", "100"]),
    (["how do I book an appointment with you", "ok and what are the fees"], "en", ["96", "100"]),
    (["how do I book an appointment with you", "what does a residence permit cost?"], "en", ["100"]),
])
def test_a_fee_question_after_an_appointment_question_gets_the_fees(texts, language, expected):
    answer = said(conversation(texts, language)[-1])
    assert all(word in answer for word in expected), answer
    assert "99-2421" not in answer or "96" in answer  # not the honest "no information" alone


@pytest.mark.parametrize("texts, language", [
    (["Welche Unterlagen brauche ich für die Niederlassungserlaubnis?", "und was kostet die?"], "de"),
    (["what do I need for a settlement permit?", "and how much does it cost?"], "en"),
])
def test_a_matter_that_carries_still_does(texts, language):
    """Regression: the settlement permit's fee is not published, and the follow-up still means it."""
    answer = said(conversation(texts, language)[-1])
    assert "96" not in answer and "99-2421" in answer, answer
