"""The checks' messages exist in German and English (content/staffcheck.yml); `make validate` stays English."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from string import Formatter

from bot.staffcheck import messages
from bot.staffcheck.report import Problem

CODE = Path(messages.__file__).resolve().parents[1]  # bot/
KEY_USE = re.compile(r"""\bproblem\(\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*["']([a-z_]+)["']""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def test_every_message_has_german_and_english_what_and_fix():
    catalogue = messages.catalogue()
    for key, message in catalogue["messages"].items():
        assert set(message) == {"what", "fix"}, key
        for part in ("what", "fix"):
            assert set(message[part]) == {"de", "en"}, (key, part)
            de, en = message[part]["de"], message[part]["en"]
            assert de.strip() and en.strip() and de != en or _fields(en) == {"message"}, (key, part)
            # German may leave out an English-only value ({plural}); it never needs one English lacks.
            assert _fields(de) <= _fields(en) | {"language_name"}, (key, part)
    for section in ("kinds", "language_names"):
        assert all(set(v) == {"de", "en"} for v in catalogue[section].values()), section


def test_the_code_uses_only_existing_keys_and_every_key_is_used():
    used, sources = set(), ""
    for module in CODE.rglob("*.py"):
        sources += module.read_text(encoding="utf-8")
    used = set(KEY_USE.findall(sources))
    known = set(messages.catalogue()["messages"])
    assert len(used) > 15 and used - known == set()
    assert {key for key in known if f'"{key}"' not in sources} == set(), "keys no check uses"


def test_a_problem_keeps_its_english_text_for_make_validate_and_says_it_in_german():
    problem = messages.problem("data/nlu/de/faq.yml", "too_few_examples", line=3, name="intent 'faq_fees'",
                               intent="faq_fees", language="de", have=1, plural="", minimum=10, missing=9,
                               file="data/nlu/de/faq.yml")
    assert str(problem) == ("data/nlu/de/faq.yml:3 (intent 'faq_fees'): has 1 German example, at least 10 are needed"
                            " -> add 9 more German example sentences under '- intent: faq_fees' in data/nlu/de/faq.yml")
    assert messages.what(problem, "de") == "hat 1 Beispiel(e) auf Deutsch, mindestens 10 sind nötig"
    assert "weitere Beispielsätze auf Deutsch" in messages.fix(problem, "de")
    assert messages.name(problem, "de") == "Intent 'faq_fees'" and messages.name(problem, "en") == "intent 'faq_fees'"
    assert messages.what(problem, "en") == problem.what


def test_a_message_without_a_key_stays_as_it_is_in_every_language():
    problem = Problem("(Rasa's data check)", what="Rasa reports: x", fix="ask a developer")
    assert messages.what(problem, "de") == "Rasa reports: x" and messages.fix(problem, "de") == "ask a developer"


def test_braces_in_a_message_are_printed_once():
    problem = messages.problem("domain/x.yml", "variation_missing", name="response 'utter_x'", language="en")
    assert problem.fix == "add a variation with '- condition: [{type: slot, name: language, value: en}]' and the text"
    assert "value: en}]" in messages.fix(problem, "de") and "Englisch" in messages.what(problem, "de")


def _routing_error_calls():
    """Every RoutingError(...) in bot/backend/routing.py: its key and the names of the values it passes."""
    from bot.backend import routing

    tree = ast.parse(Path(routing.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "RoutingError":
            key = node.args[1] if len(node.args) > 1 else None
            yield key, {k.arg for k in node.keywords}, node.lineno


def test_every_routing_error_has_a_german_text_with_the_values_it_passes():
    german = messages.catalogue()["routing_errors"]
    used = set()
    for key, passed, line in _routing_error_calls():
        if isinstance(key, ast.Name) and key.id == "key":  # _check_code passes on the key it is given
            continue
        assert key is not None and isinstance(key.value, str), f"routing.py:{line} has no message key"
        assert key.value in german, f"routing.py:{line}: '{key.value}' has no German text"
        assert _fields(german[key.value]["de"]) <= passed, f"routing.py:{line}: German text needs more values"
        used.add(key.value)
    used |= {"not_a_code", "neither_region_nor_code"}  # passed to _check_code
    assert len(used) >= 25 and set(german) == used


def test_a_routing_loader_problem_is_said_in_german_with_its_place(tmp_path):
    from bot.backend.routing import RoutingError
    from bot.staffcheck.content import _loader_problem

    error = RoutingError("routing.yml, rule 'a-x', field 'surname': range 'K-A' runs backwards", "surname_backwards",
                         {"rule": "a-x", "field": "surname"}, item="K-A")
    problem = _loader_problem("content/routing.yml", error, "routing_loader_refuses")
    assert problem.what == "rule 'a-x', field 'surname': range 'K-A' runs backwards"  # make validate: unchanged
    assert messages.what(problem, "de") == "Regel 'a-x', Feld 'surname': der Bereich 'K-A' läuft rückwärts"
    assert "das Backend startet mit dieser Datei nicht" in messages.fix(problem, "de")
