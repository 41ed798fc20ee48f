"""Scores of the NLU model on held-out messages, per language: per-intent precision/recall/F1,
confusions, how often in-scope messages fall back, how often out-of-scope ones are caught."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Prediction:
    expected: str
    text: str
    final: str | None  # after the FallbackClassifier (may be nlu_fallback)
    raw: str | None  # the classifier's own best intent
    confidence: float


@dataclass
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class LanguageScores:
    language: str
    messages: int
    accuracy: float  # raw classifier, fallback ignored (what `rasa test nlu` measures)
    accuracy_with_fallback: float  # what the client experiences: a fallback counts as wrong
    macro_f1: float
    in_scope_fallback_rate: float  # in-scope messages sent to nlu_fallback
    out_of_scope_caught_rate: float  # out-of-scope messages classified out_of_scope or fallen back
    out_of_scope_messages: int
    intents: list[IntentScore] = field(default_factory=list)
    confusions: list[dict] = field(default_factory=list)  # {"expected", "predicted", "count", "examples"}

    def as_dict(self) -> dict:
        return asdict(self)


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def intent_scores(predictions: list[Prediction]) -> list[IntentScore]:
    """Precision, recall and F1 of the raw classifier for every intent that occurs."""
    intents = sorted({p.expected for p in predictions} | {p.raw for p in predictions if p.raw})
    scores = []
    for intent in intents:
        true_pos = sum(p.expected == intent and p.raw == intent for p in predictions)
        predicted = sum(p.raw == intent for p in predictions)
        support = sum(p.expected == intent for p in predictions)
        precision, recall = _ratio(true_pos, predicted), _ratio(true_pos, support)
        f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
        scores.append(IntentScore(intent, precision, recall, f1, support))
    return scores


def top_confusions(predictions: list[Prediction], limit: int = 10) -> list[dict]:
    """The most frequent (expected, predicted) mistakes of the raw classifier, with up to 3 example texts."""
    pairs = Counter((p.expected, p.raw) for p in predictions if p.raw != p.expected)
    result = []
    for (expected, predicted), count in pairs.most_common(limit):
        texts = [p.text for p in predictions if p.expected == expected and p.raw == predicted][:3]
        result.append({"expected": expected, "predicted": predicted, "count": count, "examples": texts})
    return result


def score_language(language: str, predictions: list[Prediction]) -> LanguageScores:
    """All scores of one language's held-out messages."""
    in_scope = [p for p in predictions if p.expected != OUT_OF_SCOPE]
    out_scope = [p for p in predictions if p.expected == OUT_OF_SCOPE]
    intents = intent_scores(predictions)
    supported = [s for s in intents if s.support]
    return LanguageScores(
        language=language,
        messages=len(predictions),
        accuracy=_ratio(sum(p.raw == p.expected for p in predictions), len(predictions)),
        accuracy_with_fallback=_ratio(sum(p.final == p.expected for p in predictions), len(predictions)),
        macro_f1=round(sum(s.f1 for s in supported) / len(supported), 4) if supported else 0.0,
        in_scope_fallback_rate=_ratio(sum(p.final == FALLBACK for p in in_scope), len(in_scope)),
        out_of_scope_caught_rate=_ratio(sum(p.final in (OUT_OF_SCOPE, FALLBACK) for p in out_scope), len(out_scope)),
        out_of_scope_messages=len(out_scope),
        intents=intents,
        confusions=top_confusions(predictions),
    )


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def summary_table(scores: list[LanguageScores]) -> str:
    """A Markdown table with one row per language (also printed on the terminal)."""
    rows = ["| language | messages | accuracy | accuracy incl. fallback | macro F1 | in-scope sent to fallback | out-of-scope caught |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for s in scores:
        rows.append(f"| {s.language} | {s.messages} | {_pct(s.accuracy)} | {_pct(s.accuracy_with_fallback)} | "
                    f"{s.macro_f1:.2f} | {_pct(s.in_scope_fallback_rate)} | {_pct(s.out_of_scope_caught_rate)} "
                    f"(of {s.out_of_scope_messages}) |")
    return "\n".join(rows)


def markdown_report(scores: list[LanguageScores], header: list[str]) -> str:
    """The full report: summary, weakest intents and top confusions per language."""
    lines = ["# NLU evaluation", "", *header, "", "## Summary", "", summary_table(scores), ""]
    for s in scores:
        lines += [f"## {s.language}: intents by F1 (weakest first)", "",
                  "| intent | precision | recall | F1 | test messages |", "|---|---:|---:|---:|---:|"]
        for score in sorted(s.intents, key=lambda x: (x.f1, x.intent)):
            lines.append(f"| {score.intent} | {score.precision:.2f} | {score.recall:.2f} | {score.f1:.2f} | {score.support} |")
        lines += ["", f"## {s.language}: most frequent confusions", "",
                  "| meant | understood as | times | examples |", "|---|---|---:|---|"]
        for c in s.confusions:
            examples = "; ".join(f"“{t}”" for t in c["examples"]).replace("|", "/")
            lines.append(f"| {c['expected']} | {c['predicted']} | {c['count']} | {examples} |")
        lines.append("")
    return "\n".join(lines)
