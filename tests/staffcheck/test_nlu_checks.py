"""Checks 1 and 3: enough examples per language; no example under two intents."""

from __future__ import annotations

from bot.staffcheck.nlu import check_duplicate_examples, check_examples_per_language
from tests.staffcheck.conftest import introduced, nlu_file

GERMAN = [f"Ich habe eine Frage zum Parkausweis Nummer {i}" for i in range(10)]


def test_intent_with_too_few_english_examples_is_reported_with_file_and_count(copy):
    copy.add_intent("faq_parking")
    copy.write("data/nlu/de/parking.yml", nlu_file("faq_parking", GERMAN))
    copy.write("data/nlu/en/parking.yml", nlu_file("faq_parking", ["parking permit", "where do I park", "car park"]))
    problems = introduced(check_examples_per_language, copy)
    assert [(p.file, p.line, p.name) for p in problems] == [("data/nlu/en/parking.yml", 5, "intent 'faq_parking'")]
    assert "3 English examples, at least 10" in problems[0].what
    assert "add 7 more English" in problems[0].fix


def test_intent_without_any_examples_in_one_language_points_to_the_folder(copy):
    copy.add_intent("faq_parking")
    copy.write("data/nlu/de/parking.yml", nlu_file("faq_parking", GERMAN))
    problems = introduced(check_examples_per_language, copy)
    assert [(p.file, p.name) for p in problems] == [("data/nlu/en/", "intent 'faq_parking'")]
    assert "0 English examples" in problems[0].what


def test_the_minimum_is_configurable(copy):
    project = copy.project()
    strict = check_examples_per_language(project, minimum=10_000)
    assert len(strict) == 2 * len(project.domain.intents)
    assert check_examples_per_language(project, minimum=1) == []


def test_same_example_in_two_intents_across_languages_is_reported(copy):
    # "Hallo" is a German greeting; the same words (other case, extra spaces) as an English goodbye.
    copy.write("data/nlu/en/mistake.yml", nlu_file("goodbye", ["Some other goodbye", "  HALLO  "]))
    problems = introduced(check_duplicate_examples, copy)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == "data/nlu/de/general.yml" and problem.name == "intent 'greet'"
    assert "'goodbye' in data/nlu/en/mistake.yml:6" in problem.what


def test_same_example_twice_in_one_intent_is_not_a_conflict(copy):
    copy.write("data/nlu/de/again.yml", nlu_file("greet", ["Hallo"]))
    assert introduced(check_duplicate_examples, copy) == []
