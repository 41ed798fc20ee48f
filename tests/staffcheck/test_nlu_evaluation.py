"""The NLU scores of scripts/evaluate.py: metrics on known predictions, the model fingerprint."""

from __future__ import annotations

from bot.staffcheck.nlu_metrics import Prediction, markdown_report, score_language
from bot.staffcheck.nlu_model import nlu_fingerprint


def p(expected: str, raw: str, final: str | None = None, text: str = "x") -> Prediction:
    return Prediction(expected=expected, text=text, final=final or raw, raw=raw, confidence=0.9)


PREDICTIONS = [
    p("greet", "greet"), p("greet", "greet"), p("greet", "thank", text="danke hallo"),
    p("thank", "thank"), p("thank", "thank", final="nlu_fallback"),
    p("out_of_scope", "greet", final="nlu_fallback"), p("out_of_scope", "thank"),
]


def test_per_intent_precision_recall_f1():
    scores = {s.intent: s for s in score_language("de", PREDICTIONS).intents}
    assert (scores["greet"].precision, scores["greet"].recall, scores["greet"].support) == (0.6667, 0.6667, 3)
    assert (scores["thank"].precision, scores["thank"].recall) == (0.5, 1.0)
    assert scores["thank"].f1 == 0.6667
    assert (scores["out_of_scope"].recall, scores["out_of_scope"].f1) == (0.0, 0.0)


def test_fallback_and_out_of_scope_rates():
    scores = score_language("de", PREDICTIONS)
    assert scores.in_scope_fallback_rate == 0.2  # 1 of 5 in-scope messages fell back
    assert scores.out_of_scope_caught_rate == 0.5  # 1 of 2 caught (by the fallback)
    assert scores.accuracy == round(4 / 7, 4) and scores.accuracy_with_fallback == round(3 / 7, 4)


def test_confusions_are_counted_with_examples():
    confusions = score_language("de", PREDICTIONS).confusions
    assert {"expected": "greet", "predicted": "thank", "count": 1, "examples": ["danke hallo"]} in confusions
    assert sum(c["count"] for c in confusions) == 3


def test_report_lists_every_language_and_the_weakest_intent_first():
    report = markdown_report([score_language("de", PREDICTIONS), score_language("en", PREDICTIONS[:2])], ["header"])
    assert "| de | 7 |" in report and "| en | 2 |" in report
    weakest = report.split("## de: intents by F1 (weakest first)")[1].splitlines()[4]
    assert weakest.startswith("| out_of_scope | 0.00")


def test_fingerprint_changes_with_the_training_data(copy):
    before = nlu_fingerprint(copy.root)
    assert nlu_fingerprint(copy.root) == before
    (copy.root / "data/nlu/en/general.yml").write_text("changed", encoding="utf-8")
    changed = nlu_fingerprint(copy.root)
    assert changed != before
    (copy.root / "data/rules/general.yml").write_text("rules do not matter for NLU", encoding="utf-8")
    assert nlu_fingerprint(copy.root) == changed
