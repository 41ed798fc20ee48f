"""Checks 5, 6 and 7: knowledge sources, the concern catalogue, the routing rules."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT

from bot.staffcheck.content import Skip, check_concern_catalogue, check_knowledge_sources, check_routing_rules
from tests.staffcheck.conftest import introduced

KNOWLEDGE = "content/knowledge.yml"
BROKEN_FAMILY = ('Issue of a residence permit"}\n    unit_family: E\n', 'Issue of a residence permit"}\n    unit_family: X\n')


def test_fact_without_source_is_reported_with_its_line(copy):
    text = (copy.root / KNOWLEDGE).read_text(encoding="utf-8")
    line = text[: text.index("\n  fee_extension_eur:")].count("\n") + 2  # the fact's own line
    copy.replace(KNOWLEDGE, '    source: "002: Kosten — 96,-- Euro für die Verlängerung einer Aufenthaltserlaubnis"\n', "")
    problems = introduced(check_knowledge_sources, copy)
    assert [(p.file, p.line, p.name) for p in problems] == [(KNOWLEDGE, line, "fact 'fee_extension_eur'")]
    assert "no 'source:'" in problems[0].what


def test_answer_without_sources_or_english_text_is_reported(copy):
    text = (copy.root / KNOWLEDGE).read_text(encoding="utf-8")
    start = text.index("\n  faq_eat:")
    block_end = text.index("\n    sources:", start)
    sources_end = text.index("\n  faq_", block_end + 1)
    copy.write(KNOWLEDGE, text[:block_end] + text[sources_end:])
    problems = introduced(check_knowledge_sources, copy)
    assert [(p.name, p.what) for p in problems] == [("answer 'faq_eat'", "has no 'sources:' list")]
    assert problems[0].line == text[:start].count("\n") + 2


def test_question_without_answer_is_reported(copy):
    copy.replace(KNOWLEDGE, "\n  faq_eat:", "\n  faq_eat_renamed:")
    problems = introduced(check_knowledge_sources, copy)
    found = {(p.file, p.name) for p in problems}
    assert ("data/rules/faq.yml", "intent 'faq_eat'") in found  # asked, but no answer
    assert (KNOWLEDGE, "answer 'faq_eat_renamed'") in found  # answer for an intent that does not exist


def test_concern_with_unknown_intent_is_reported(copy):
    copy.replace("content/concerns.yml", "    intent: enquiry_new_permit\n", "    intent: enquiry_new_permitt\n")
    problems = introduced(check_concern_catalogue, copy)
    lines = (PROJECT_ROOT / "content/concerns.yml").read_text(encoding="utf-8").splitlines()
    line = lines.index("  residence_permit_issue:") + 1  # the concern's key, 1-based
    assert [(p.file, p.line, p.name) for p in problems] == [("content/concerns.yml", line, "concern 'residence_permit_issue'")]
    assert "'enquiry_new_permitt'" in problems[0].what


def test_broken_catalogue_reports_the_loader_message(copy):
    copy.replace("content/concerns.yml", BROKEN_FAMILY[0], BROKEN_FAMILY[1])
    problems = check_concern_catalogue(copy.project())
    assert [(p.file, p.what) for p in problems] == [("content/concerns.yml", "concern 'residence_permit_issue': unit_family must be A, B or E")]


def test_routing_rule_with_unknown_unit_is_reported(copy):
    copy.replace("content/routing.yml", "  - id: a-vietnam\n    unit: A3\n", "  - id: a-vietnam\n    unit: A33\n")
    problems = check_routing_rules(copy.project())
    assert len(problems) == 1
    assert problems[0].file == "content/routing.yml"
    assert "a-vietnam" in problems[0].what and "A33" in problems[0].what


def test_routing_check_is_skipped_when_the_catalogue_is_broken(copy):
    copy.replace("content/concerns.yml", BROKEN_FAMILY[0], BROKEN_FAMILY[1])
    with pytest.raises(Skip, match="concern catalogue"):
        check_routing_rules(copy.project())
