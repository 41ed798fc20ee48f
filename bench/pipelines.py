"""Compare NLU pipelines on this project's data: ``python -m bench.pipelines [names...]``.

For each candidate: ``rasa train nlu`` on data/nlu with an empty cache (timed), ``rasa run
--enable-api`` until /status is ready (timed), RSS, then every held-out message of
tests/nlu/de.yml and en.yml through POST /model/parse (latency, predictions). Scores come from
bot.staffcheck.nlu_metrics (the same as scripts/evaluate.py); the FallbackClassifier's
thresholds are swept on the raw predictions (bench.thresholds), no retraining.
Writes reports/pipelines.json and prints the comparison (docs/PIPELINE.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

from bench.rasa_server import RasaServer
from bench.stats import summary_ms
from bench.thresholds import RawPrediction, best_setting, sweep
from bot.config import PROJECT_ROOT
from bot.runner.environment import RASA_BIN, rasa_env
from bot.staffcheck.nlu_metrics import FALLBACK, Prediction, score_language

LANGUAGES = ("de", "en")
TRAIN_TIMEOUT_S = 900
CURRENT_FALLBACK = {"threshold": 0.3, "ambiguity_threshold": 0.02}

_TOKENS = [{"name": "WhitespaceTokenizer"}]
_LEXICAL = [{"name": "LexicalSyntacticFeaturizer"}]


def _words(**extra) -> dict:
    return {"name": "CountVectorsFeaturizer", "lowercase": True, **extra}


def _chars(low: int, high: int, **extra) -> dict:
    return {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": low, "max_ngram": high,
            "lowercase": True, **extra}


def _lr(max_iter: int = 200) -> dict:
    return {"name": "LogisticRegressionClassifier", "max_iter": max_iter, "solver": "lbfgs", "tol": 0.0001,
            "random_state": 42}


def _diet(epochs: int) -> dict:
    return {"name": "DIETClassifier", "epochs": epochs, "number_of_transformer_layers": 0,
            "entity_recognition": False, "constrain_similarities": True, "random_seed": 42}


# name -> (what it is, pipeline without the FallbackClassifier)
CANDIDATES: dict[str, tuple[str, list[dict]]] = {
    "lr-current": ("LogisticRegression, words + char_wb 2-5 + lexical (config.yml before)",
                   [*_TOKENS, *_LEXICAL, _words(), _chars(2, 5), _lr()]),
    "lr-bigrams": ("LogisticRegression, word 1-2 grams + char_wb 2-5 + lexical",
                   [*_TOKENS, *_LEXICAL, _words(min_ngram=1, max_ngram=2), _chars(2, 5), _lr()]),
    "lr-char1-4": ("LogisticRegression, words + char_wb 1-4, no lexical, max_iter 500",
                   [*_TOKENS, _words(), _chars(1, 4), _lr(500)]),
    "diet-small": ("DIET 30 epochs, 0 transformer layers, words + char_wb 2-5 (5000 features) + lexical",
                   [*_TOKENS, *_LEXICAL, _words(), _chars(2, 5, max_features=5000), _diet(30)]),
}


def write_config(directory: Path, pipeline: list[dict], fallback: dict = CURRENT_FALLBACK) -> Path:
    """A Rasa config with the pipeline plus the current FallbackClassifier (policies unused by NLU)."""
    config = {"recipe": "default.v1", "language": "de", "assistant_id": "bench",
              "pipeline": [*pipeline, {"name": "FallbackClassifier", **fallback}], "policies": []}
    path = directory / "config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def snapshot(target: Path, root: Path = PROJECT_ROOT) -> str:
    """Copy data/nlu and tests/nlu/{de,en}.yml to target (others edit them meanwhile); their sha256."""
    shutil.copytree(root / "data" / "nlu", target / "data" / "nlu")
    (target / "tests" / "nlu").mkdir(parents=True)
    for language in LANGUAGES:
        shutil.copy(root / "tests" / "nlu" / f"{language}.yml", target / "tests" / "nlu" / f"{language}.yml")
    digest = hashlib.sha256()
    for path in sorted(p for p in target.rglob("*.yml")):
        digest.update(path.relative_to(target).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def train(config: Path, out: Path, log: Path, nlu: Path) -> tuple[Path, float]:
    """`rasa train nlu` with a fresh cache dir; the model and the seconds it took."""
    env = {**os.environ, **rasa_env(), "RASA_CACHE_DIRECTORY": str(out / "cache")}
    command = [str(RASA_BIN), "train", "nlu", "--config", str(config), "--nlu", str(nlu),
               "--out", str(out), "--fixed-model-name", "model"]
    started = time.monotonic()
    with open(log, "ab") as output:
        result = subprocess.run(command, cwd=out, env=env, stdout=output, stderr=subprocess.STDOUT,
                                timeout=TRAIN_TIMEOUT_S)
    seconds = time.monotonic() - started
    model = out / "model.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise RuntimeError(f"rasa train nlu failed ({result.returncode}); see {log}")
    return model, seconds


def held_out(language: str, root: Path = PROJECT_ROOT) -> list[tuple[str, str]]:
    """(intent, text) pairs of tests/nlu/<language>.yml."""
    data = yaml.safe_load((root / "tests" / "nlu" / f"{language}.yml").read_text(encoding="utf-8")) or {}
    pairs = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                pairs.append((block["intent"], line.strip()[2:].strip()))
    return pairs


def to_raw(expected: str, text: str, parsed: dict) -> RawPrediction:
    """The classifier's own top two (nlu_fallback removed) and Rasa's final intent."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    first = ranking[0] if ranking else {"name": None, "confidence": 0.0}
    second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
    return RawPrediction(expected, text, (parsed.get("intent") or {}).get("name"), first["name"],
                         float(first.get("confidence") or 0.0), second)


def classify_all(server: RasaServer, messages: dict[str, list[tuple[str, str]]]) -> tuple[dict, list[float]]:
    """Parse every held-out message once; predictions per language and latencies in seconds."""
    predictions: dict[str, list[RawPrediction]] = {}
    latencies: list[float] = []
    with httpx.Client() as client:
        for language, pairs in messages.items():
            predictions[language] = []
            for expected, text in pairs:
                started = time.perf_counter()
                parsed = server.parse(client, text)
                latencies.append(time.perf_counter() - started)
                predictions[language].append(to_raw(expected, text, parsed))
    return predictions, latencies


def quality(predictions: dict[str, list[RawPrediction]]) -> dict:
    """nlu_metrics scores per language (with the current fallback settings as served)."""
    result = {}
    for language, raws in predictions.items():
        scores = score_language(language, [Prediction(r.expected, r.text, r.final, r.raw, r.confidence) for r in raws])
        result[language] = {"messages": scores.messages, "accuracy": scores.accuracy,
                            "accuracy_with_fallback": scores.accuracy_with_fallback, "macro_f1": scores.macro_f1,
                            "in_scope_fallback_rate": scores.in_scope_fallback_rate,
                            "out_of_scope_caught_rate": scores.out_of_scope_caught_rate,
                            "out_of_scope_messages": scores.out_of_scope_messages}
    return result


def measure(name: str, workdir: Path, data: Path, messages: dict) -> dict:
    """Train on the snapshot in data, serve, classify and score one candidate."""
    description, pipeline = CANDIDATES[name]
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "log.txt"
    model, train_s = train(write_config(workdir, pipeline), workdir, log, data / "data" / "nlu")
    with RasaServer(model, workdir / "run", log) as server:
        rss_loaded = server.rss_mib()
        predictions, latencies = classify_all(server, messages)
        rss_after = server.rss_mib()
        start_s = server.start_s
    every = [p for raws in predictions.values() for p in raws]
    curve = sweep(predictions)
    return {"name": name, "description": description, "pipeline": pipeline,
            "train_s": round(train_s, 1), "start_s": round(start_s, 1), "model_mib": round(model.stat().st_size / 2**20, 1),
            "rss_loaded_mib": rss_loaded, "rss_after_parsing_mib": rss_after, "parse": summary_ms(latencies),
            "quality": quality(predictions), "sweep": curve, "best_fallback": best_setting(curve),
            "raw": [p.as_dict() for p in every]}


def print_table(results: list[dict]) -> None:
    """One line per candidate and language."""
    print(f"{'candidate':<12} {'train s':>7} {'start s':>7} {'RSS MiB':>8} {'p50 ms':>7} "
          f"{'lang':>4} {'acc':>6} {'F1':>5} {'fb in %':>7} {'oos %':>6}")
    for r in results:
        for language, q in r["quality"].items():
            print(f"{r['name']:<12} {r['train_s']:>7} {r['start_s']:>7} {r['rss_after_parsing_mib']:>8} "
                  f"{r['parse']['p50_ms']:>7} {language:>4} {q['accuracy'] * 100:>6.1f} {q['macro_f1']:>5.2f} "
                  f"{q['in_scope_fallback_rate'] * 100:>7.1f} {q['out_of_scope_caught_rate'] * 100:>6.1f}")
        best = r["best_fallback"]
        print(f"{'':<12} best fallback: threshold {best['threshold']}, ambiguity {best['ambiguity_threshold']} "
              f"-> {best['summary']}")


def markdown(results: list[dict]) -> str:
    """The comparison and each candidate's best fallback setting as Markdown tables."""
    lines = ["| candidate | train s | start s | RSS MiB | parse p50 / p95 ms | language | accuracy | macro F1 "
             "| in-scope to fallback | out-of-scope caught |", "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for r in results:
        for language, q in r["quality"].items():
            lines.append(f"| {r['name']} | {r['train_s']} | {r['start_s']} | {r['rss_after_parsing_mib']} | "
                         f"{r['parse']['p50_ms']} / {r['parse']['p95_ms']} | {language} | {q['accuracy'] * 100:.1f} % | "
                         f"{q['macro_f1']:.3f} | {q['in_scope_fallback_rate'] * 100:.1f} % | "
                         f"{q['out_of_scope_caught_rate'] * 100:.1f} % (of {q['out_of_scope_messages']}) |")
    lines += ["", "| candidate | best threshold | best ambiguity | cost | outcome at the best setting |",
              "|---|---:|---:|---:|---|"]
    for r in results:
        best = r["best_fallback"]
        lines.append(f"| {r['name']} | {best['threshold']} | {best['ambiguity_threshold']} | {best['cost']} | "
                     f"{best['summary']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure the named candidates (default: all) and write reports/pipelines.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(CANDIDATES), help=f"of {', '.join(CANDIDATES)}")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "pipelines.json")
    parser.add_argument("--markdown", action="store_true", help="print the tables of --out as Markdown, measure nothing")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.out.read_text())["candidates"]))
        return 0
    unknown = [n for n in args.names if n not in CANDIDATES]
    if unknown:
        parser.error(f"unknown candidate(s): {', '.join(unknown)}")
    previous = json.loads(args.out.read_text()) if args.out.exists() else {"candidates": []}
    results = {r["name"]: r for r in previous["candidates"]}
    with tempfile.TemporaryDirectory(prefix="bench-pipelines-") as tmp:
        data = Path(tmp) / "data-snapshot"
        data_sha256 = snapshot(data)
        messages = {language: held_out(language, data) for language in LANGUAGES}
        for name in args.names:
            print(f"pipelines: {name}: training, serving, classifying {sum(map(len, messages.values()))} messages ...",
                  flush=True)
            results[name] = {**measure(name, Path(tmp) / name, data, messages), "data_sha256": data_sha256}
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps({"candidates": list(results.values())}, ensure_ascii=False, indent=1))
    shown = [results[n] for n in CANDIDATES if n in results]
    if len({r.get("data_sha256") for r in shown}) > 1:
        print("pipelines: WARNING: the candidates were measured on different data; rerun them together")
    print_table(shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
