"""Classify held-out messages with a trained Rasa NLU model; print JSON lines (runs in .venv-rasa).

Usage: .venv-rasa/bin/python scripts/nlu_predict.py MODEL.tar.gz [MODEL2.tar.gz ...] tests/nlu/de.yml [tests/nlu/en.yml ...]

Loads each model once (TensorFlow start-up is paid once for all models and files) and
prints one JSON object per model and message: model, file, expected intent, text, the
final intent (after the FallbackClassifier, may be nlu_fallback), the classifier's own
best intent and confidence. The staff console scores a new and the serving model in one run.
Standalone on purpose: the project's packages are not installed in .venv-rasa.
"""

from __future__ import annotations

import asyncio
import json
import sys

import yaml

FALLBACK = "nlu_fallback"


def read_examples(path: str) -> list[tuple[str, str]]:
    """(intent, text) pairs of a Rasa 3 NLU YAML file."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    pairs = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((block["intent"], line[2:].strip()))
    return pairs


async def predict(models: list[str], files: list[str]) -> None:
    """Parse every message of every file with each model and print the predictions as JSON lines."""
    from rasa.core.agent import Agent

    for model in models:
        agent = Agent.load(model)
        for path in files:
            for expected, text in read_examples(path):
                parsed = await agent.parse_message(text)
                ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK]
                raw = ranking[0] if ranking else {"name": None, "confidence": 0.0}
                record = {
                    "model": model, "file": path, "expected": expected, "text": text,
                    "final": (parsed.get("intent") or {}).get("name"),
                    "raw": raw["name"], "confidence": round(float(raw.get("confidence") or 0.0), 4),
                }
                print(json.dumps(record, ensure_ascii=False), flush=True)


def split_arguments(arguments: list[str]) -> tuple[list[str], list[str]]:
    """(models, files): the models are the .tar.gz arguments."""
    models = [a for a in arguments if a.endswith(".tar.gz")]
    return models, [a for a in arguments if not a.endswith(".tar.gz")]


if __name__ == "__main__":
    models, files = split_arguments(sys.argv[1:])
    if not models or not files:
        print(__doc__, file=sys.stderr)
        raise SystemExit(2)
    asyncio.run(predict(models, files))
