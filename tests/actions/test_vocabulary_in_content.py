"""Vocabulary staff may change lives in content/, not in regular expressions (issue 14)."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _counter():
    spec = importlib.util.spec_from_file_location("count_word_regexes", ROOT / "scripts" / "count_word_regexes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source", ["actions/extraction.py", "actions/fields.py", "bot/language.py"])
def test_no_regex_with_words_in_the_answer_readers(source):
    assert _counter().word_regexes(ROOT / source) == []


def test_the_question_reader_keeps_only_an_id_format():
    """bot/knowledge.py: the one pattern left is the enquiry_<name> format of 'offer:', not language."""
    assert [text for _, text in _counter().word_regexes(ROOT / "bot" / "knowledge.py")] == ["enquiry_[a-z_]+"]


def test_the_counter_finds_words_in_a_regex(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('import re\nA = re.compile(r"\\b(?:ich bin|i am)\\s+")\nB = re.compile(r"^\\s*\\d{5}\\b")\n')
    assert [line for line, _ in _counter().word_regexes(sample)] == [2]


@pytest.mark.parametrize("content, sources", [
    ("content/answer_words.yml", ["actions/fields.py", "actions/extraction.py"]),
    ("content/matter_words.yml", ["bot/knowledge.py"]),
])
def test_every_word_list_is_read_by_the_code(content, sources):
    code = "".join((ROOT / s).read_text(encoding="utf-8") for s in sources)
    unused = [section for section in yaml.safe_load((ROOT / content).read_text(encoding="utf-8"))
              if f"'{section}'" not in code and f'"{section}"' not in code]
    assert unused == []


def test_the_language_detector_holds_no_word_list():
    """bot/language.py (the action server and Rasa's language policy): language names, negations,
    wishes and the detector's words are content/questions.yml `language_*`, not literals in code."""
    tree = ast.parse((ROOT / "bot" / "language.py").read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    literals = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                and isinstance(node.value, str) and id(node) not in docstrings]
    assert not [text for text in literals if re.search(r"[a-z]{2,}\|[a-z]{2,}", text)], "a word alternation in code"
    assert not [text for text in literals if len(text.split()) >= 12 and "questions.yml" not in text], "a word list"
    words = set(re.findall(r"\b[a-z]{3,}\b", " ".join(literals)))
    assert not words & {"deutsch", "english", "englisch", "german", "speak", "nicht", "bitte", "please"}


def test_every_language_list_is_read_by_the_code():
    data = yaml.safe_load((ROOT / "content" / "questions.yml").read_text(encoding="utf-8"))
    code = (ROOT / "bot" / "language.py").read_text(encoding="utf-8")
    lists = [key for key in data if key.startswith("language_")]
    assert len(lists) >= 10 and [key for key in lists if f'"{key}"' not in code and f"'{key}'" not in code] == []
