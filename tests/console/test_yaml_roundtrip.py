"""The console writes the same YAML files staff edit by hand: comments, order and layout kept."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.console import editing, questions
from bot.console.yamlfiles import YamlDocument, example_block, parse_examples
from tests.fixtures.stack import console_project

# Every file the console writes.
FILES = sorted([*(PROJECT_ROOT / "domain").glob("*.yml"), *(PROJECT_ROOT / "data" / "nlu").glob("*/faq.yml"),
                PROJECT_ROOT / "data" / "rules" / "faq.yml", PROJECT_ROOT / "content" / "knowledge.yml"])


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    return removed, added


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(PROJECT_ROOT).as_posix())
def test_an_unchanged_file_is_written_back_byte_for_byte(path):
    document = YamlDocument.read(path)
    assert document.text() == document.original


def test_adding_an_example_adds_exactly_one_line_and_keeps_every_comment():
    path = PROJECT_ROOT / "data" / "nlu" / "de" / "faq.yml"
    document = YamlDocument.read(path)
    block = next(b for b in document.data["nlu"] if b["intent"] == "faq_fees")
    block["examples"] = example_block([*parse_examples(block["examples"]), "was kostet das denn nun"])
    removed, added = changed_lines(document.original, document.text())
    assert removed == [] and added == ["    - was kostet das denn nun"]


def test_editing_a_response_changes_only_its_text_line():
    path = PROJECT_ROOT / "domain" / "responses_general.yml"
    document = YamlDocument.read(path)
    document.data["responses"]["utter_goodbye"][1]["text"] = "Bye for now!"
    removed, added = changed_lines(document.original, document.text())
    assert removed == ["    text: Goodbye! All the best with your matter."]
    assert added == ["    text: Bye for now!"]


def test_a_file_read_twice_gives_two_documents_an_edit_of_one_leaves_the_other_alone():
    """The layout of a text is worked out once (yamlfiles._layout); the data never is shared."""
    path = PROJECT_ROOT / "domain" / "responses_general.yml"
    first, second = YamlDocument.read(path), YamlDocument.read(path)
    first.data["responses"]["utter_goodbye"][1]["text"] = "Bye for now!"
    assert second.data["responses"]["utter_goodbye"][1]["text"] == "Goodbye! All the best with your matter."
    assert second.text() == second.original and YamlDocument.read(path).text() == second.original
    assert changed_lines(first.original, first.text())[1] == ["    text: Bye for now!"]


def test_a_new_question_keeps_comments_and_the_order_of_everything_else(tmp_path):
    project = console_project(tmp_path / "project")
    examples = {"de": "\n".join(f"wo parke ich am amt {i}" for i in range(10)),
                "en": "\n".join(f"where do i park at the office {i}" for i in range(10))}
    edit = questions.new_question(project, "parking", examples, {"de": "Es gibt keine Parkplätze.",
                                                                "en": "There is no parking."}, "office notice 7")
    assert set(edit.files) == {"domain/core.yml", "data/nlu/de/faq.yml", "data/nlu/en/faq.yml",
                               "domain/responses_general.yml", "data/rules/faq.yml"}
    for rel, text in edit.files.items():
        before = (project / rel).read_text(encoding="utf-8")
        removed, added = changed_lines(before, text)
        assert removed == [], f"{rel} lost lines: {removed}"
        comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
        assert [line for line in text.splitlines() if line.lstrip().startswith("#") and line in comments] == comments
    assert "  # Source: office notice 7" in edit.files["domain/responses_general.yml"]


def test_a_fact_keeps_its_type_and_neighbours(tmp_path):
    project = console_project(tmp_path / "project")
    edit = editing.set_fact(project, "fee_issue_eur", "110", "002: Kosten — 110 Euro")
    removed, added = changed_lines((project / "content/knowledge.yml").read_text(), edit.files["content/knowledge.yml"])
    assert added == ["    value: 110", "    source: 002: Kosten — 110 Euro"] or added[0] == "    value: 110"
    assert len(removed) == 2
    with pytest.raises(editing.EditError, match="whole number"):
        editing.set_fact(project, "fee_issue_eur", "hundred", "002")


def test_a_concerns_lists_written_as_blocks_by_hand_are_rewritten_by_ruamel_and_still_load(tmp_path):
    """The form keeps the file's hand-wrapped [lists]; a list someone wrote as '- item' lines still works."""
    import shutil

    import yaml

    from bot.catalogue import parse_catalogue
    from bot.config import PROJECT_ROOT
    from bot.console import concern_forms

    (tmp_path / "content").mkdir()
    for name in ("concerns.yml", "labels.yml"):
        shutil.copy(PROJECT_ROOT / "content" / name, tmp_path / "content" / name)
    path = tmp_path / "content" / "concerns.yml"
    path.write_text(path.read_text().replace("    optional: [existing_case_number, phone]\n\npurposes:",
                                             "    optional:\n      - existing_case_number\n      - phone\n\npurposes:"))
    form = concern_forms.concern_form(tmp_path, "other")
    asks = form.asks | {"phone": "no"}
    text = concern_forms.set_concern(tmp_path, "other", form.names, "E", asks).files["content/concerns.yml"]
    other = parse_catalogue(yaml.safe_load(text)).concerns["other"]
    assert "phone" not in other.field_ids() and other.is_optional("existing_case_number")
    assert "# Concern catalogue" in text
