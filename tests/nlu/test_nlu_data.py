"""The NLU training and held-out data: the agreed intents, enough examples, no contradictions."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.nlu.nlu_data import (
    ALL_INTENTS, HELD_OUT_DIR, OTHER_INTENTS, INTENTS, LANGUAGES, TRAINING_DIR, by_intent, normalise,
    read_examples, training_examples,
)

MIN_TRAINING = 29
MIN_HELD_OUT = 8


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_files_are_split_by_topic_with_the_agreed_intents(language: str) -> None:
    for topic, intents in INTENTS.items():
        pairs = read_examples(TRAINING_DIR / language / f"{topic}.yml")
        assert sorted({i for i, _ in pairs}) == sorted(intents), f"{language}/{topic}.yml"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_training_examples(language: str) -> None:
    grouped = by_intent(training_examples(language))
    thin = {i: len(grouped.get(i, [])) for i in ALL_INTENTS if len(grouped.get(i, [])) < MIN_TRAINING}
    assert not thin, f"{language}: intents with fewer than {MIN_TRAINING} examples: {thin}"


def test_training_data_has_no_unknown_intents() -> None:
    known = set(ALL_INTENTS) | {i for names in OTHER_INTENTS.values() for i in names}
    assert {i for i, _ in training_examples()} <= known


def test_no_example_belongs_to_two_intents() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for intent, text in training_examples():
        owners[normalise(text)].add(intent)
    clashes = {text: sorted(intents) for text, intents in owners.items() if len(intents) > 1}
    assert not clashes, clashes


def test_no_example_is_empty_after_normalising() -> None:
    assert all(normalise(text) for _, text in training_examples())


def test_no_example_is_repeated_within_one_language() -> None:
    for language in LANGUAGES:
        seen: dict[str, int] = defaultdict(int)
        for _, text in training_examples(language):
            seen[normalise(text)] += 1
        repeated = {t: n for t, n in seen.items() if n > 1}
        assert not repeated, f"{language}: {repeated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_set_covers_every_intent(language: str) -> None:
    grouped = by_intent(read_examples(HELD_OUT_DIR / f"{language}.yml"))
    assert sorted(grouped) == sorted(ALL_INTENTS)
    thin = {i: len(t) for i, t in grouped.items() if len(t) < MIN_HELD_OUT}
    assert not thin, thin


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_examples_are_not_in_training(language: str) -> None:
    trained = {normalise(t) for _, t in training_examples()}
    leaked = [t for _, t in read_examples(HELD_OUT_DIR / f"{language}.yml") if normalise(t) in trained]
    assert not leaked, leaked


def test_no_entities_are_annotated() -> None:
    """Field values are parsed by the action server; an annotation would need a domain entity."""
    annotated = [t for _, t in training_examples() if "](" in t or "]{" in t]
    assert not annotated, annotated
