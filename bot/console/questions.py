"""A new question and answer from one form: every place the assistant needs, in one change.

    intent            domain/core.yml (intents:)
    examples de, en   data/nlu/de/faq.yml, data/nlu/en/faq.yml
    answer de, en     domain/responses_general.yml (utter_<intent>, one variation per language,
                      the source as a comment above it)
    rule              data/rules/faq.yml ("intent -> utter_<intent>")

The answer is a Rasa response, part of the trained model, so it goes live with the
model (no restart of any service).
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.console.changes import Edit
from bot.console.editing import (ANSWERS_DOMAIN, CORE_DOMAIN, FAQ_RULES, INTENT_NAME, EditError, _lines,
                                 _nlu_default_file, intents)
from bot.console.yamlfiles import YamlDocument, example_block
from bot.staffcheck.project import LANGUAGES


def _variation(language: str, text: str) -> CommentedMap:
    condition = CommentedSeq([CommentedMap([("type", "slot"), ("name", "language"), ("value", language)])])
    body = text.strip().replace("\r\n", "\n")
    return CommentedMap([("condition", condition), ("text", LiteralScalarString(body) if "\n" in body else body)])


def new_question(project: Path, intent: str, examples: dict[str, str], answers: dict[str, str], source: str) -> Edit:
    """The change adding one question with its examples and answers in German and English."""
    intent = intent.strip().lower()
    if not intent.startswith("faq_"):
        intent = f"faq_{intent}"
    if not INTENT_NAME.match(intent):
        raise EditError("intent", "question_name_invalid")
    if intent in intents(project):
        raise EditError("intent", "question_exists", intent=intent)
    for language in LANGUAGES:
        if not answers.get(language, "").strip():
            raise EditError(f"answer_{language}", "question_answer_missing")
    if not source.strip():
        raise EditError("source", "question_source_missing")
    files: dict[str, str] = {}

    core = YamlDocument.read(project / CORE_DOMAIN)
    core.data["intents"].append(intent)
    files[CORE_DOMAIN] = core.text()

    for language in LANGUAGES:
        rel = _nlu_default_file(language)
        doc = YamlDocument.read(project / rel)
        doc.data["nlu"].append(CommentedMap([("intent", intent), ("examples", example_block(_lines(examples.get(language, ""))))]))
        files[rel] = doc.text()

    response = f"utter_{intent}"
    domain = YamlDocument.read(project / ANSWERS_DOMAIN)
    table = domain.data["responses"]
    table[response] = CommentedSeq([_variation(language, answers[language]) for language in LANGUAGES])
    table.yaml_set_comment_before_after_key(response, before=f"Source: {' '.join(source.split())}", indent=2)
    files[ANSWERS_DOMAIN] = domain.text()

    rules = YamlDocument.read(project / FAQ_RULES)
    steps = CommentedSeq([CommentedMap([("intent", intent)]), CommentedMap([("action", response)])])
    rules.data["rules"].append(CommentedMap([("rule", f"answer {intent}"), ("steps", steps)]))
    files[FAQ_RULES] = rules.text()
    return Edit(f"New question and answer '{intent}'", files)
