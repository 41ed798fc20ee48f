"""Words match with umlauts folded and one typo; the vocabulary is read from content/questions.yml."""

from __future__ import annotations

import pytest

from actions.dialogue.vocabulary import Words, fold, load_vocabulary, parse_vocabulary


@pytest.mark.parametrize("text, folded", [
    ("Verlängerung", "verlangerung"), ("verlaengerung", "verlangerung"), ("Gebühr", "gebuhr"),
    ("Schengen-Visum?", "schengen visum"), ("Straße", "strasse"), ("  Was   kostet  ", "was kostet"),
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("word, text, hit", [
    ("extension", "how much is a extention", True), ("verlängern", "visum verlangern", True),
    ("abholen", "darf er abhohlen", True), ("appointment", "do i need an apointment", True),
    ("fiktionswirkung", "was ist fiktionswirkng", True), ("pass", "passau", False),
    ("termin", "terminal", False), ("kosten*", "kostenlos", True), ("pick up", "pickup truck", False),
    ("pick up", "can you pick up", True),
])
def test_words_match_with_one_typo_but_not_inside_other_words(word, text, hit):
    assert Words.of([word]).any(fold(text)) is hit


def test_every_section_loads_and_every_offered_concern_exists():
    from bot.catalogue import load_catalogue

    vocabulary = load_vocabulary()
    concerns = set(load_catalogue().concerns)
    assert {t.name for t in vocabulary.topics} >= {"fee", "documents", "appearance", "pickup", "fiktion", "eat",
                                                  "appointments", "process"}
    assert all(m.concern in concerns for m in vocabulary.matters if m.concern)
    assert all(m.fee in (None, "issue", "extension", "visa_extension") for m in vocabulary.matters)


def test_a_missing_section_is_an_error():
    with pytest.raises(KeyError):
        parse_vocabulary({"topics": {}})


def test_every_topic_has_an_answer_in_both_languages():
    """A topic added to content/questions.yml needs an answer: composed, an answer, or a sentence of its name."""
    from actions.dialogue.compose import compose
    from actions.dialogue.frame import QuestionFrame
    from bot import knowledge as kb

    for topic in load_vocabulary().topics:
        for language in ("de", "en"):
            replies = compose(QuestionFrame(topic=topic.name), language)
            assert replies and all(r.text for r in replies), (topic.name, language)
            if topic.name != "not_covered":  # an answer of its own (it may say honestly what is not published)
                assert replies[0].text != kb.answer("faq_not_covered", language), topic.name


def test_every_form_move_list_is_there():
    assert set(load_vocabulary().form_moves) == {"back", "puzzled", "skip", "skip_rest", "cancel", "correcting",
                                                  "around", "leaving", "calling", "why_asked", "about_asked",
                                                  "not_in_names", "names_too"}


@pytest.mark.parametrize("phrase, text, hit", [
    ("in person", "do i have to come in persn", True), ("electronic residence card", "the electronc residence card", True),
    ("switch to english", "swich to englsh pls", True), ("pick up", "pick upp", False),  # short words stay exact
    ("in person", "in prison", False), ("new address", "my new adress", True),
])
def test_the_words_of_a_phrase_match_with_a_typo_each(phrase, text, hit):
    assert Words.of([phrase]).any(fold(text)) is hit


def test_every_word_list_holds_words_not_yaml_booleans():
    """An unquoted no/yes/on/off in content/questions.yml is read as a boolean by YAML: quote it."""
    import yaml

    from actions.dialogue.vocabulary import QUESTIONS_PATH

    def lists(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from lists(value)
        elif isinstance(node, list):
            yield node

    for words in lists(yaml.safe_load(QUESTIONS_PATH.read_text(encoding="utf-8"))):
        assert all(isinstance(w, str) for w in words), words
