"""FallbackClassifier thresholds chosen by measurement, replayed on raw held-out predictions.

Rasa 3.6's FallbackClassifier predicts nlu_fallback when the top confidence is below
``threshold`` or the top two differ by less than ``ambiguity_threshold``; both only need
the classifier's top two confidences, so a sweep needs no retraining.

Choice rule (cost per held-out message): a wrong answer (in-scope message taken for another
intent, out-of-scope message answered as in-scope) costs 1; an in-scope message sent to the
fallback costs 0.5 (the client rephrases, nothing wrong is said). Lowest cost wins; ties go
to the lower threshold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bot.staffcheck.nlu_metrics import FALLBACK, OUT_OF_SCOPE

THRESHOLDS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)
AMBIGUITIES = (0.0, 0.02, 0.05, 0.1)
FALLBACK_COST = 0.5


@dataclass(frozen=True)
class RawPrediction:
    expected: str
    text: str
    final: str | None  # as served (with the candidate's fallback settings)
    raw: str | None  # the classifier's top intent
    confidence: float
    second: float  # the runner-up's confidence

    def as_dict(self) -> dict:
        return asdict(self)


def replay(p: RawPrediction, threshold: float, ambiguity: float) -> str | None:
    """The intent Rasa would give with these fallback settings."""
    if p.confidence < threshold or (p.confidence - p.second) < ambiguity:
        return FALLBACK
    return p.raw


def outcome(p: RawPrediction, final: str | None) -> str:
    """'right', 'fallback' (in-scope sent to fallback) or 'wrong'."""
    if p.expected == OUT_OF_SCOPE:
        return "right" if final in (OUT_OF_SCOPE, FALLBACK) else "wrong"
    if final == FALLBACK:
        return "fallback"
    return "right" if final == p.expected else "wrong"


def _rates(predictions: list[RawPrediction], threshold: float, ambiguity: float) -> dict:
    """Outcome shares of one language at one setting."""
    finals = [replay(p, threshold, ambiguity) for p in predictions]
    counts = {"right": 0, "fallback": 0, "wrong": 0}
    for p, final in zip(predictions, finals):
        counts[outcome(p, final)] += 1
    in_scope = [(p, f) for p, f in zip(predictions, finals) if p.expected != OUT_OF_SCOPE]
    out_scope = [(p, f) for p, f in zip(predictions, finals) if p.expected == OUT_OF_SCOPE]
    total = len(predictions) or 1
    return {
        "right": round(counts["right"] / total, 4),
        "wrong": round(counts["wrong"] / total, 4),
        "in_scope_fallback": round(sum(f == FALLBACK for _, f in in_scope) / (len(in_scope) or 1), 4),
        "out_of_scope_caught": round(sum(f in (OUT_OF_SCOPE, FALLBACK) for _, f in out_scope) / (len(out_scope) or 1), 4),
        "cost": round((counts["wrong"] + FALLBACK_COST * counts["fallback"]) / total, 4),
    }


def sweep(by_language: dict[str, list[RawPrediction]]) -> list[dict]:
    """Outcome shares per language and the mean cost for every threshold/ambiguity pair."""
    rows = []
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            languages = {lang: _rates(preds, threshold, ambiguity) for lang, preds in by_language.items()}
            cost = round(sum(r["cost"] for r in languages.values()) / (len(languages) or 1), 4)
            rows.append({"threshold": threshold, "ambiguity_threshold": ambiguity, "cost": cost, "languages": languages})
    return rows


def best_setting(rows: list[dict]) -> dict:
    """The lowest-cost row (ties: lower threshold, then lower ambiguity) with a one-line summary."""
    best = min(rows, key=lambda r: (r["cost"], r["threshold"], r["ambiguity_threshold"]))
    parts = [f"{lang}: right {v['right'] * 100:.1f} %, wrong {v['wrong'] * 100:.1f} %, "
             f"in-scope fallback {v['in_scope_fallback'] * 100:.1f} %, out-of-scope caught {v['out_of_scope_caught'] * 100:.1f} %"
             for lang, v in best["languages"].items()]
    return {**best, "summary": "; ".join(parts)}
