"""`rasa train` without three avoidable costs of Rasa 3.6 and its libraries: the same model, sooner.

    .venv-rasa/bin/python deploy/rasa/rasa_train.py train --config config.yml --domain domain --data data ...

bot/runner/training.py (and through it `make train`, `make run`, the tests' stack, the
staff console) and the benchmark train with this launcher; the staff checks run `rasa data
validate` with it too (bot/staffcheck/rasa_validate.py: only the TensorFlow hook matters there). Profiled with py-spy
(docs/BENCHMARKS.md, 2026-12-02), a training spent its time here without need:

1. **skops imported after TensorFlow.** Rasa saves the intent classifier with skops, whose
   import builds its lists of trusted numpy/scipy types by looking every function up in every
   loaded module; after TensorFlow that is ~5900 modules instead of ~1400 (deploy/rasa/rasa_run.py
   does the same for `rasa run`). Imported first here; the lists come out the same.
2. **The classifier's training matrix.** Rasa's LogisticRegressionClassifier asks every
   example for its combined sequence *and* sentence features (`Message.get_sparse_features`
   deep-copies both) and uses the sentence features only. ``_create_X`` here combines the
   same sentence features in the same order with the same `hstack` calls, without the copies
   and without the sequence features: the same matrix.
3. **scipy's L-BFGS-B bounds.** scikit-learn minimises without bounds; scipy 1.10 still turns
   the n pairs (None, None) into two float arrays one Python float at a time
   (`old_bound_to_new`), with n = intents × (features + 1), here ~870,000. An unbounded list
   gets the same two arrays (-inf and +inf) at once.

4. **TensorFlow's import** (~12 s of a training's wall time, ~3.5 CPU s): Rasa's default recipe and two of its modules import
   DIET, TED and their Keras helpers whatever the pipeline. When the configuration names no
   TensorFlow component, deploy/rasa/rasa_without_tensorflow.py compiles those three modules with
   stand-ins for exactly those imports (the same model: test in tests/runner).

Each patch checks that it patches what it expects and otherwise leaves Rasa alone (the
training then just takes longer). `rasa run` has its own launcher (rasa_run.py), which defers
TensorFlow the same way.
"""

import os
import sys

_MARK = "_intake_training_speedup"
_lbfgsb_original = None  # scipy's own old_bound_to_new, once replaced


def preload_skops() -> None:
    """Import skops.io while few modules are loaded (see above); without skops, nothing to do."""
    try:
        import skops.io  # noqa: F401
    except ImportError:
        pass


def unbounded_lbfgsb_bounds() -> bool:
    """scipy's old_bound_to_new with a fast path for a list of (None, None) pairs only."""
    import numpy as np
    from scipy.optimize import _lbfgsb_py

    global _lbfgsb_original
    original = getattr(_lbfgsb_py, "old_bound_to_new", None)
    if original is None or getattr(original, _MARK, False):
        return original is not None
    _lbfgsb_original = original

    def old_bound_to_new(bounds):
        if isinstance(bounds, list) and bounds and all(pair == (None, None) for pair in bounds):
            return np.full(len(bounds), -np.inf), np.full(len(bounds), np.inf)
        return original(bounds)

    setattr(old_bound_to_new, _MARK, True)
    _lbfgsb_py.old_bound_to_new = old_bound_to_new  # the name _minimize_lbfgsb calls
    return True


def sentence_features_only() -> bool:
    """LogisticRegressionClassifier._create_X from the sentence features alone, uncopied."""
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import TEXT
    from scipy.sparse import csr_matrix, hstack, vstack

    original = LogisticRegressionClassifier._create_X
    if getattr(original, _MARK, False):
        return True

    def combined(features):
        """Message._combine_features' result without its deep copy: hstack in the same order."""
        if not features:
            return None
        matrix = features[0].features
        for more in features[1:]:
            matrix = hstack([matrix, more.features])
        return matrix

    def _create_X(self, messages):  # noqa: N802 - Rasa's name
        rows = []
        for message in messages:
            _sequence, sentence = message._filter_sparse_features(TEXT, [])
            dense = message.get_dense_features(attribute=TEXT)[1]
            sparse = combined(sentence)
            rows.append(hstack([csr_matrix(sparse if sparse is not None else []),
                                csr_matrix(dense.features if dense else [])]))
        return vstack(rows)

    setattr(_create_X, _MARK, True)
    LogisticRegressionClassifier._create_X = _create_X
    return True


def config_argument(argv: list[str]) -> str:
    """The value of `rasa train`'s --config/-c (Rasa's default: config.yml)."""
    for index, word in enumerate(argv):
        if word in ("--config", "-c") and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith("--config="):
            return word.split("=", 1)[1]
    return "config.yml"


def defer_tensorflow(argv: list[str]) -> None:
    """deploy/rasa/rasa_without_tensorflow.py's hook, when the configuration needs no TensorFlow."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        import rasa_without_tensorflow
    except ImportError as error:
        print(f"rasa train: TensorFlow not deferred ({error})", file=sys.stderr, flush=True)
        return
    finally:
        sys.path.pop(0)
    if argv[:1] != ["train"]:  # `rasa data validate` and the like: the registry stays as it is
        rasa_without_tensorflow.install(rasa_without_tensorflow.FOR_RUN)
        return
    needs_none, why = rasa_without_tensorflow.config_needs_no_tensorflow(config_argument(argv))
    if needs_none:
        rasa_without_tensorflow.install(rasa_without_tensorflow.FOR_TRAIN)
    else:
        print(f"rasa train: TensorFlow imported as usual: {why}", file=sys.stderr, flush=True)


def main() -> int:
    defer_tensorflow(sys.argv[1:])  # before anything imports Rasa
    preload_skops()  # before Rasa could import TensorFlow
    for patch in (unbounded_lbfgsb_bounds, sentence_features_only):
        try:
            patch()
        except (ImportError, AttributeError) as error:  # another Rasa or scipy: train the slow way
            print(f"rasa train: {patch.__name__} not applied ({error})", file=sys.stderr, flush=True)
    sys.argv = ["rasa", *sys.argv[1:]]
    from rasa.__main__ import main as rasa_main

    return rasa_main()


if __name__ == "__main__":
    sys.exit(main())
