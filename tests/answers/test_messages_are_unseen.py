"""The end-to-end test messages are not training examples (else the tests prove nothing)."""

from __future__ import annotations

from tests.answers.messages import ALL_MESSAGES
from tests.nlu.nlu_data import normalise, training_examples


def test_no_end_to_end_message_is_a_training_example():
    trained = {normalise(text) for _, text in training_examples()}
    assert [m for m in ALL_MESSAGES if normalise(m) in trained] == []
