"""deploy/rasa/rasa_train.py: its patches give exactly what Rasa and scipy give without them.

Run in Rasa's own venv (.venv-rasa): the classifier's training matrix built from messages
with sequence and sentence features of two featurizers, and scipy's bounds for an unbounded
problem, each compared with the unpatched result. (The whole model, trained both ways, had
bit-identical classifier weights: docs/BENCHMARKS.md, 2026-12-02.)
"""

from __future__ import annotations

import subprocess

import pytest

from bot.config import PROJECT_ROOT
from bot.runner.environment import RASA_PYTHON, RASA_TRAIN_LAUNCHER, rasa_env
from bot.runner.training import train_command

CHECK = r'''
import importlib.util, sys
import numpy as np
import scipy.sparse as sp
spec = importlib.util.spec_from_file_location("rasa_train", sys.argv[1])
launcher = importlib.util.module_from_spec(spec); spec.loader.exec_module(launcher)

from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy.optimize import _lbfgsb_py

rng = np.random.default_rng(7)
def message(tokens):
    m = Message(data={"text": "x " * tokens, "intent": "greet"})
    for origin, width in (("cv_words", 5), ("cv_chars", 9)):
        m.add_features(Features(sp.random(tokens, width, density=0.4, random_state=rng, format="coo"), "sequence", "text", origin))
        m.add_features(Features(sp.random(1, width, density=0.5, random_state=rng, format="coo"), "sentence", "text", origin))
    return m
messages = [message(n) for n in (1, 3, 2, 5)]
unbounded = [(None, None)] * 7
before_x = LogisticRegressionClassifier._create_X(None, messages)
before_bounds = _lbfgsb_py.old_bound_to_new(unbounded)
assert launcher.unbounded_lbfgsb_bounds() and launcher.sentence_features_only()
after_x = LogisticRegressionClassifier._create_X(None, messages)
after_bounds = _lbfgsb_py.old_bound_to_new(unbounded)
assert type(after_x) is type(before_x) and after_x.shape == before_x.shape == (4, 14)
assert after_x.format == before_x.format
for part in (("data", "indices", "indptr") if before_x.format in ("csr", "csc") else ("data", "row", "col")):
    assert np.array_equal(getattr(after_x, part), getattr(before_x, part)), part
for new, old in zip(after_bounds, before_bounds):
    assert new.dtype == old.dtype and np.array_equal(new, old)
bounded = [(0.0, None), (None, 1.0)]
assert all(np.array_equal(n, o) for n, o in zip(_lbfgsb_py.old_bound_to_new(bounded),
                                                  launcher._lbfgsb_original(bounded)))
print("same")
'''


@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="Rasa's venv is not installed")
def test_the_patched_training_gives_what_rasa_and_scipy_give():
    done = subprocess.run([str(RASA_PYTHON), "-c", CHECK, str(RASA_TRAIN_LAUNCHER)], cwd=PROJECT_ROOT,
                          env=rasa_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("same")


def test_the_product_trains_through_the_launcher(tmp_path):
    assert train_command()[:3] == [str(RASA_PYTHON), str(RASA_TRAIN_LAUNCHER), "train"]
    assert train_command(tmp_path)[1:] == ["train"]  # a checkout without the launcher: Rasa's own command
