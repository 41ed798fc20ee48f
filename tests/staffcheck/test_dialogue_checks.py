"""Check 4: rules and stories use known intents and actions; every intent is used somewhere."""

from __future__ import annotations

from bot.staffcheck.dialogue import check_rules_and_stories
from tests.staffcheck.conftest import introduced, rule_file


def test_rule_with_unknown_intent_and_unknown_action_is_reported(copy):
    copy.write("data/rules/mistake.yml", rule_file("parking question", "faq_parkng", "utter_parking"))
    problems = introduced(check_rules_and_stories, copy)
    assert [(p.file, p.line, p.name) for p in problems] == [
        ("data/rules/mistake.yml", 5, "rule 'parking question'"),
        ("data/rules/mistake.yml", 6, "rule 'parking question'"),
    ]
    assert "intent 'faq_parkng'" in problems[0].what
    assert "'utter_parking'" in problems[1].what


def test_intent_no_rule_uses_is_reported(copy):
    copy.add_intent("faq_parking")
    problems = introduced(check_rules_and_stories, copy)
    assert [(p.file, p.line, p.name) for p in problems] == [("domain/core.yml", 13, "intent 'faq_parking'")]
    assert "no rule or story" in problems[0].what


def test_intents_the_form_reads_need_no_rule(copy):
    project = copy.project()
    assert {"inform", "correct_field", "skip"} <= set(project.domain.intents)
    assert not [p for p in check_rules_and_stories(project) if p.name in {"intent 'inform'", "intent 'skip'"}]


def test_rasa_defaults_and_responses_are_known_in_rules(copy):
    copy.write("data/rules/fine.yml", rule_file("fallback to menu", "nlu_fallback", "utter_greet"))
    assert introduced(check_rules_and_stories, copy) == []
