"""How well does the assistant understand clients? The conversation evaluation set, and NLU scores.

Usage (from the project directory):
    .venv/bin/python scripts/evaluate.py              # conversation evaluation + NLU evaluation
    .venv/bin/python scripts/evaluate.py --conversations-only [--url http://127.0.0.1:8080] [--kind follow_up]
    .venv/bin/python scripts/evaluate.py --conversations-only --set heldout   # the blind held-out set
    .venv/bin/python scripts/evaluate.py --conversations-only --set fresh     # the fresh blind set (issue 14)
    .venv/bin/python scripts/evaluate.py --conversations-only --set final     # the final blind set (issue 14; once per session)
    .venv/bin/python scripts/evaluate.py --nlu-only   # NLU evaluation only (about 1-2 minutes)

Conversation evaluation: the multi-turn conversations of tests/evaluation/conversations/{de,en}.yml
(written for evaluation, never used for training) are played through the public chat API of
a running assistant (--url) or of a private stack this script starts (same code as `make run`,
temporary files, free ports); the figure per kind and language goes to
reports/conversation-evaluation.md/.json and is printed.

Trains an NLU-only model when data/nlu/ or config.yml changed (cached otherwise), classifies
the held-out messages of tests/nlu/de.yml and tests/nlu/en.yml with one model load, and writes
reports/nlu-evaluation.md and reports/nlu-evaluation.json. The conversation tests are the
project's end-to-end suite (pytest tests/e2e). Exit code 0 when everything ran (and the
conversation tests passed), 1 otherwise. See docs/STAFF-GUIDE.md for how to read the report.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.runner.environment import rasa_env  # noqa: E402
from bot.staffcheck.nlu_metrics import Prediction, markdown_report, score_language, summary_table  # noqa: E402
from bot.staffcheck.conversations import figure_table  # noqa: E402
from bot.staffcheck.nlu_model import NluTrainingError, ensure_nlu_model  # noqa: E402
from scripts.conversation_runner import SETS, evaluate_conversations  # noqa: E402
from bot.staffcheck.project import Project  # noqa: E402

LANGUAGES = ("de", "en")
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


def predict(model: Path, files: dict[str, Path]) -> dict[str, list[Prediction]]:
    """Classify every held-out message in one Rasa process; predictions by language."""
    by_file = {str(path): language for language, path in files.items()}
    command = [str(RASA_PYTHON), str(ROOT / "scripts" / "nlu_predict.py"), str(model), *by_file]
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **rasa_env()},
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("classifying the test messages failed:\n" + "\n".join(result.stderr.splitlines()[-15:]))
    predictions: dict[str, list[Prediction]] = {language: [] for language in files}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            record.pop("model")  # one model here
            predictions[by_file[record.pop("file")]].append(Prediction(**record))
    return predictions


def unknown_test_intents(predictions: dict[str, list[Prediction]]) -> list[str]:
    """Intents the test files use that the domain does not list (renamed or misspelt labels)."""
    known = set(Project(ROOT).domain.intents)
    return sorted({p.expected for preds in predictions.values() for p in preds} - known)


def write_reports(out_dir: Path, scores: list, model: Path, conversations: dict | None,
                  warnings: list[str]) -> tuple[Path, Path]:
    """reports/nlu-evaluation.md and .json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = [f"Generated {when} by `make evaluate` (scripts/evaluate.py) with model `{model.name}`.",
              "Test messages: tests/nlu/de.yml and tests/nlu/en.yml (never used for training)."]
    header += [f"**Warning:** {w}" for w in warnings]
    if conversations:
        state = "passed" if conversations["passed"] else "FAILED"
        header.append(f"Conversation tests (`{conversations['command']}`): {state} — {conversations['summary']}")
    markdown, data = out_dir / "nlu-evaluation.md", out_dir / "nlu-evaluation.json"
    markdown.write_text(markdown_report(scores, header) + "\n", encoding="utf-8")
    payload = {"generated": when, "model": model.name, "languages": [s.as_dict() for s in scores],
               "conversation_tests": conversations, "warnings": warnings}
    data.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return markdown, data


def main(argv: list[str] | None = None) -> int:
    """Evaluate, print the summary table, write the reports."""
    parser = argparse.ArgumentParser(description="Score the NLU model per language on held-out messages "
                                     "and run the conversation tests; writes reports/nlu-evaluation.md/.json.")
    parser.add_argument("--nlu-only", action="store_true", help="only the NLU evaluation")
    parser.add_argument("--conversations-only", action="store_true", help="only the conversation evaluation")
    parser.add_argument("--url", help="gateway of a running assistant (default: start a private stack)")
    parser.add_argument("--kind", action="append", help="only conversations of this kind (repeatable)")
    parser.add_argument("--set", choices=sorted(SETS), default="conversations",
                        help="conversation set: tests/evaluation/conversations (default) or one of the blind "
                        "sets tests/evaluation/heldout, tests/evaluation/fresh and tests/evaluation/final "
                        "(report: reports/<set>-evaluation.md)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="report directory (default reports/)")
    args = parser.parse_args(argv)
    if not args.nlu_only:
        outcomes = evaluate_conversations(args.url, args.kind, args.out, args.set)
        print(figure_table(outcomes))
        if args.conversations_only:
            return 0 if outcomes else 1
    files = {language: ROOT / "tests" / "nlu" / f"{language}.yml" for language in LANGUAGES}
    missing = [str(p.relative_to(ROOT)) for p in files.values() if not p.exists()]
    if missing:
        print(f"evaluate: test messages missing: {', '.join(missing)}")
        return 1
    try:
        model = ensure_nlu_model(ROOT)
    except NluTrainingError as error:
        print(f"evaluate: {error}")
        return 1
    print("evaluate: classifying the test messages (the model loads once, about 20-60 s) ...", flush=True)
    predictions = predict(model, files)
    scores = [score_language(language, predictions[language]) for language in LANGUAGES]
    warnings = [f"the test files use intent(s) not in the domain: {', '.join(unknown)} (they always count as wrong)"
                for unknown in [unknown_test_intents(predictions)] if unknown]
    conversations = None
    markdown, _ = write_reports(args.out, scores, model, conversations, warnings)
    print(summary_table(scores))
    for warning in warnings:
        print(f"warning: {warning}")
    if conversations:
        print(f"conversation tests: {'passed' if conversations['passed'] else 'FAILED'} — {conversations['summary']}")
    print(f"evaluate: report written to {markdown.relative_to(ROOT) if markdown.is_relative_to(ROOT) else markdown}")
    return 0 if conversations is None or conversations["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
