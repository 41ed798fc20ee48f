"""deploy/rasa/rasa_without_tensorflow.py: Rasa without TensorFlow's import, and the same model.

- The configuration check and the source rewrite, in this venv (plain Python).
- In Rasa's venv: Rasa 3.6's three modules are rewritten as expected (a Rasa whose modules
  differ fails here, and the launchers then import them unchanged), TensorFlow is not
  imported, the stand-ins answer as "no such class", and importing DIET and TED afterwards
  puts the real classes in their place (lists, sets and the registry included).
- Slow: the product's config and data trained by Rasa's own `rasa train` and by the launcher,
  each with an empty cache: the same classifier bit for bit, the same policies; TensorFlow
  never imported by the launcher's training nor by `rasa run` of that model, which answers.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.config import PROJECT_ROOT
from bot.runner.environment import RASA_BIN, RASA_PYTHON, RASA_TRAIN_LAUNCHER, free_port, rasa_env
from bot.runner.readiness import rasa_model_loaded

HOOK = PROJECT_ROOT / "deploy" / "rasa" / "rasa_without_tensorflow.py"
RUN_LAUNCHER = PROJECT_ROOT / "deploy" / "rasa" / "rasa_run.py"
needs_rasa = pytest.mark.skipif(not RASA_PYTHON.exists(), reason="Rasa's venv is not installed")


def _hook():
    spec = importlib.util.spec_from_file_location("rasa_without_tensorflow_under_test", HOOK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_a_configuration_without_tensorflow_components_defers_the_registry(tmp_path):
    hook = _hook()
    assert hook.config_needs_no_tensorflow(PROJECT_ROOT / "config.yml") == (True, "")
    cases = {
        "pipeline:\n  - name: WhitespaceTokenizer\n  - name: DIETClassifier\npolicies:\n  - name: RulePolicy\n": "DIETClassifier",
        "pipeline:\n  - name: WhitespaceTokenizer\npolicies:\n  - name: rasa.core.policies.ted_policy.TEDPolicy\n": "TEDPolicy",
        "pipeline:\n  - name: WhitespaceTokenizer\n": "no policies",  # Rasa would add TED
        "policies:\n  - name: RulePolicy\n": "no pipeline",  # Rasa would add DIET
        "recipe: graph.v1\n": "not a default.v1",
    }
    for number, (text, why) in enumerate(cases.items()):
        config = tmp_path / f"config{number}.yml"
        config.write_text(text)
        needs_none, reason = hook.config_needs_no_tensorflow(config)
        assert not needs_none and why in reason, (text, reason)
    assert not hook.config_needs_no_tensorflow(tmp_path / "missing.yml")[0]


def test_exactly_the_expected_imports_are_replaced():
    hook = _hook()
    expected = {"rasa.a": ("A", "B"), "rasa.c": ("C",)}
    source = "import os\nfrom rasa.a import B, A\nfrom rasa.c import C\nfrom rasa.d import D\ndef f():\n    from rasa.c import C\n"
    tree = hook.without_imports(ast.parse(source), expected)
    text = ast.unparse(tree)
    assert "from rasa.a" not in text and "from rasa.d import D" in text and "import os" in text
    assert "B = __intake_stand_in__('rasa.a', 'B')" in text and "C = __intake_stand_in__('rasa.c', 'C')" in text
    assert text.count("from rasa.c import C") == 1  # inside the function: untouched
    for changed in ("from rasa.a import A\nfrom rasa.c import C\n",  # a name fewer
                    "from rasa.a import A, B, E\nfrom rasa.c import C\n",  # a name more
                    "from rasa.a import A, B as X\nfrom rasa.c import C\n",  # renamed
                    "from rasa.a import A, B\n"):  # an import gone
        with pytest.raises(hook.NotAsExpected):
            hook.without_imports(ast.parse(changed), expected)


RASA_CHECK = r'''
import sys
sys.path.insert(0, sys.argv[1])
import rasa_without_tensorflow as hook
finder = hook.install(hook.FOR_TRAIN)
import rasa.core.policies.rule_policy, rasa.core.policies.memoization, rasa.model_training, rasa.core.agent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
import rasa.engine.recipes.default_components as registry
import rasa.graph_components.validators.default_recipe_validator as validator
import rasa.utils.train_utils as train_utils
assert sorted(finder.compiled) == sorted(hook.FOR_TRAIN) and not finder.unchanged, (finder.compiled, finder.unchanged)
assert "tensorflow" not in sys.modules and "keras" not in sys.modules
assert not finder.deferred & set(sys.modules), finder.deferred & set(sys.modules)
assert "DIETClassifier" not in DefaultV1Recipe._registered_components
assert "LogisticRegressionClassifier" in DefaultV1Recipe._registered_components
diet = validator.DIETClassifier
assert hook.is_stand_in(diet) and diet.__name__ == "DIETClassifier"
assert not issubclass(rasa.core.policies.rule_policy.RulePolicy, validator.TEDPolicy)
assert not isinstance(object(), diet) and diet not in {rasa.core.policies.rule_policy.RulePolicy}
assert validator.ResponseSelector.__name__ == "ResponseSelector"

from rasa.nlu.classifiers.diet_classifier import DIETClassifier   # a model or component that uses it
from rasa.core.policies.ted_policy import TEDPolicy
assert "tensorflow" in sys.modules
assert validator.DIETClassifier is DIETClassifier and validator.TRAINABLE_EXTRACTORS[-1] is DIETClassifier
assert validator.TEDPolicy is TEDPolicy and TEDPolicy in validator.POLICY_CLASSSES
assert not any(hook.is_stand_in(c) for c in validator.POLICY_CLASSSES | set(validator.TRAINABLE_EXTRACTORS))
assert registry.DIETClassifier is DIETClassifier and DIETClassifier in registry.DEFAULT_COMPONENTS
assert "DIETClassifier" in DefaultV1Recipe._registered_components and "TEDPolicy" in DefaultV1Recipe._registered_components
assert train_utils.RasaBatchDataGenerator.__module__ == "rasa.utils.tensorflow.data_generator"
assert not hook.is_stand_in(train_utils.RasaBatchDataGenerator)
logger = train_utils.RasaTrainingLogger(1, silent=True)   # a stand-in used: the real class's instance
from rasa.utils.tensorflow.callback import RasaTrainingLogger
assert type(logger) is RasaTrainingLogger and train_utils.RasaTrainingLogger is RasaTrainingLogger
print("deferred, then real")
'''


@needs_rasa
def test_rasa_imports_no_tensorflow_until_a_component_needs_it():
    done = subprocess.run([str(RASA_PYTHON), "-c", RASA_CHECK, str(HOOK.parent)], cwd=PROJECT_ROOT,
                          env={**os.environ, **rasa_env()}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("deferred, then real")


# Runs a launcher and says at exit whether TensorFlow was imported.
TRACED = ("import atexit, runpy, sys\n"
          "atexit.register(lambda: print('tensorflow imported:', 'tensorflow' in sys.modules, flush=True))\n"
          "sys.argv = sys.argv[1:]\n"
          "runpy.run_path(sys.argv[0], run_name='__main__')\n")

COMPARE = r'''
import json, sys, tarfile, tempfile
from pathlib import Path
import numpy as np
import skops.io

def unpack(model):
    target = Path(tempfile.mkdtemp())
    with tarfile.open(model) as archive:
        archive.extractall(target)
    return target

def without_fingerprints(value):
    if isinstance(value, dict):
        return {k: without_fingerprints(v) for k, v in value.items() if k != "output_fingerprint"}
    if isinstance(value, list):
        return [without_fingerprints(v) for v in value]
    return value

stock, launched = unpack(sys.argv[1]), unpack(sys.argv[2])
files = sorted(p.relative_to(stock).as_posix() for p in stock.rglob("*") if p.is_file())
assert files == sorted(p.relative_to(launched).as_posix() for p in launched.rglob("*") if p.is_file()), "other files"
for name in files:
    a, b = stock / name, launched / name
    if name.endswith(".skops"):
        one, two = skops.io.load(a, trusted=True), skops.io.load(b, trusted=True)
        for part in ("coef_", "intercept_", "classes_", "n_iter_"):
            x, y = getattr(one, part), getattr(two, part)
            assert x.dtype == y.dtype and np.array_equal(x, y), part
        assert one.get_params() == two.get_params()
    elif name.endswith("rule_policy.json"):
        x, y = json.loads(a.read_text())["lookup"], json.loads(b.read_text())["lookup"]
        assert sorted(x.pop("rules_not_in_stories")) == sorted(y.pop("rules_not_in_stories"))  # a set, saved as a list
        assert x == y, name
    elif name == "metadata.json":
        x, y = json.loads(a.read_text()), json.loads(b.read_text())
        for key in ("trained_at", "model_id"):
            x.pop(key), y.pop(key)
        assert without_fingerprints(x) == without_fingerprints(y), "metadata"
    else:
        assert a.read_bytes() == b.read_bytes(), name
print("same model:", len(files), "files")
'''


def _train(command: list[str], out: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*command, "--config", "config.yml", "--domain", "domain", "--data", "data",
                           "--out", str(out), "--fixed-model-name", "model"], cwd=PROJECT_ROOT,
                          env={**os.environ, **rasa_env(), "RASA_CACHE_DIRECTORY": str(cache)},
                          capture_output=True, text=True, timeout=1200)


@needs_rasa
@pytest.mark.slow
@pytest.mark.timeout(2400)  # two trainings from scratch and a start of Rasa on a shared 2-core machine
def test_the_launcher_trains_rasas_model_without_tensorflow_and_rasa_run_serves_it(tmp_path):
    stock = _train([str(RASA_BIN), "train"], tmp_path / "stock", tmp_path / "cache-stock")
    assert stock.returncode == 0, stock.stdout[-2000:] + stock.stderr[-2000:]
    launched = _train([str(RASA_PYTHON), "-c", TRACED, str(RASA_TRAIN_LAUNCHER), "train"],
                      tmp_path / "launched", tmp_path / "cache-launched")
    assert launched.returncode == 0, launched.stdout[-2000:] + launched.stderr[-2000:]
    assert "tensorflow imported: False" in launched.stdout
    model = tmp_path / "launched" / "model.tar.gz"
    compared = subprocess.run([str(RASA_PYTHON), "-c", COMPARE, str(tmp_path / "stock" / "model.tar.gz"), str(model)],
                              env={**os.environ, **rasa_env()}, capture_output=True, text=True, timeout=300)
    assert compared.returncode == 0, compared.stderr[-3000:]
    assert "same model" in compared.stdout

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, **rasa_env(), "INTAKE_ENV": "development", "INTAKE_RASA_TOKEN": "", "INTAKE_ACTIONS_TOKEN": ""}
    with open(tmp_path / "rasa.log", "wb") as log:
        server = subprocess.Popen([str(RASA_PYTHON), "-c", TRACED, str(RUN_LAUNCHER), "run", "--model", str(model),
                                   "--enable-api", "--port", str(port), "--interface", "127.0.0.1"],
                                  cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not rasa_model_loaded(url):
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "rasa.log").read_text()[-3000:]
            time.sleep(0.3)
        # Training examples (data/nlu/de/enquiries.yml, data/nlu/en/general.yml): their own intents.
        for text, intent in (("ich möchte meinen fertigen aufenthaltstitel abholen", "enquiry_card_pickup"),
                             ("Thank you very much", "thank")):
            parsed = httpx.post(f"{url}/model/parse", json={"text": text}, timeout=30).json()
            assert parsed["intent"]["name"] == intent, parsed["intent"]
        maps = Path(f"/proc/{server.pid}/maps").read_text()
        assert "tensorflow" not in maps  # TensorFlow's libraries never loaded into Rasa
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
