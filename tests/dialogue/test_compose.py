"""Answers are composed from the facts of content/knowledge.yml for the frame asked."""

from __future__ import annotations

import pytest

from actions.dialogue.compose import compose
from actions.dialogue.frame import QuestionFrame
from bot import knowledge


def text(frame: QuestionFrame, language: str) -> str:
    return "\n".join(r.text or "" for r in compose(frame, language))


@pytest.mark.parametrize("matter, age, de, en", [
    ("extension", None, "96 Euro", "EUR 96"),
    ("extension", 12, "48 Euro", "EUR 48"),
    ("extension", 18, "96 Euro", "EUR 96"),
    ("issue", None, "100 Euro", "EUR 100"),
    ("issue", 17, "50 Euro", "EUR 50"),
    ("visa_extension", None, "25 Euro bis 60 Euro", "EUR 25 to EUR 60"),
    ("visa_extension", 5, "12,50 Euro bis 30 Euro", "EUR 12.50 to EUR 30"),
])
def test_fee_for_that_matter_and_age(matter, age, de, en):
    frame = QuestionFrame(topic="fee", matter=matter, age=age, person="child" if age and age < 18 else None)
    assert de in text(frame, "de") and en in text(frame, "en")


def test_fee_without_matter_lists_all_fees():
    assert all(a in text(QuestionFrame(topic="fee"), "de") for a in ("100 Euro", "96 Euro", "25 Euro"))


@pytest.mark.parametrize("age, words", [(8, ["8", "Fingerabdrücke", "persönlich"]), (6, ["6", "persönlich"]),
                                        (3, ["3", "99-2421", "nicht"])])
def test_appearance_for_a_child_of_that_age(age, words):
    said = text(QuestionFrame(topic="appearance", person="child", age=age), "de")
    assert all(w in said for w in words)


def test_fingerprint_age_comes_from_the_facts():
    said = text(QuestionFrame(topic="appearance", person="child", age=5), "en")
    assert f"from the age of {knowledge.load_knowledge().facts['fingerprints_from_age']}" in said


@pytest.mark.parametrize("age, form", [(None, True), (16, True), (15, False), (10, False)])
def test_pick_up_by_an_authorised_person_from_16_with_the_form(age, form):
    said = text(QuestionFrame(topic="pickup", person="child" if age else None, age=age), "en")
    assert "16" in said
    assert ("only the authority's own form" in said) is form
    assert ("99-2421" in said) is not form


@pytest.mark.parametrize("title, words", [
    ("schengen_visa", ["does not apply", "Schengen"]), ("national_visa", ["national visa", "on time"]),
    (None, ["on time", "Schengen"]),
])
def test_fiktionswirkung_for_that_document(title, words):
    said = text(QuestionFrame(topic="fiktion", title=title), "en")
    assert all(w in said for w in words)


def test_documents_for_a_child_add_the_child_sentence():
    assert "child" in text(QuestionFrame(topic="documents", person="child"), "en")
    assert "child" not in text(QuestionFrame(topic="documents"), "en")


@pytest.mark.parametrize("topic", ["eat", "appointments", "status", "uploads", "titles", "contact", "process",
                                   "not_covered", "human", "settlement_info"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_topic_has_an_answer_in_both_languages(topic, language):
    assert len(text(QuestionFrame(topic=topic), language)) > 40


def test_not_covered_is_honest_and_names_the_phone_numbers():
    for language, honest in (("de", "keine verlässliche"), ("en", "no reliable")):
        said = text(QuestionFrame(topic="not_covered"), language)
        assert honest in said and "99-2421" in said and "nicht zuständig" not in said and "not responsible" not in said


def test_every_sentence_has_sources():
    data = knowledge.load_knowledge()
    assert data.sentences and set(data.sentences) == set(data.sentence_sources)
