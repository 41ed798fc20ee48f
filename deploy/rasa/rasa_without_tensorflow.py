"""Rasa 3.6 without TensorFlow's import when no TensorFlow component is used: `rasa train` and `rasa run`.

Imported by deploy/rasa/rasa_train.py and deploy/rasa/rasa_run.py before Rasa. Traced with an
import hook (docs/BENCHMARKS.md, 2026-12-02), TensorFlow (~2800 modules: ~12 s wall at load,
~3.5 CPU s) comes into a training or a start of this product's model, which uses no
TensorFlow component, through three of Rasa's own modules only, each taking classes from a
TensorFlow-based module at its top:

- ``rasa.utils.train_utils`` (imported by every policy and extractor through
  ``rasa.nlu.extractors.extractor``) takes DIET's and TED's Keras callbacks and batch
  generator, which only those components' training calls;
- ``rasa.graph_components.validators.default_recipe_validator`` (training, and `rasa run`'s
  model loading) takes DIETClassifier, ResponseSelector and TEDPolicy to compare the
  configured components with;
- ``rasa.engine.recipes.default_components`` (training: the default recipe's registry of
  component names) imports every component, DIET, TED, ResponseSelector, UnexpecTED,
  ConveRT and the language-model featurizer included, whatever the configuration.

When this is installed, those three modules are compiled from Rasa's own source with exactly
those ``from <TensorFlow-based module> import <names>`` statements replaced by stand-ins (each
statement is checked to be there, at the top, with exactly those names; otherwise the module
is imported as it is and a line on stderr says so). A stand-in has the class's name, so
Rasa's messages read the same; nothing can be an instance or a subclass of it while the real
class is not loaded (true: no such class exists yet), and calling it imports the real class.
If a TensorFlow-based module is imported after all (a model or a custom component using DIET
or TED, an unexpected path in another Rasa), the stand-ins in those three modules, and in
their module-level lists and sets, are replaced by the real classes as soon as it is loaded:
then Rasa behaves as without this, TensorFlow's import included.

The registry is the one place where a stand-in changes what Rasa finds: DIETClassifier and the
other five are not registered while their modules are not imported. So `rasa train` defers
``default_components`` only when the configuration (``config_needs_no_tensorflow``) names
its pipeline and its policies (an empty one means Rasa's default, DIET and TED) and none of
those six; `rasa run` finds its components by module path from the model, not by name, and
never imports the registry.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import sys
from pathlib import Path

# Rasa's module -> {TensorFlow-based module it imports at its top: the names it takes}.
TRAIN_UTILS = "rasa.utils.train_utils"
VALIDATOR = "rasa.graph_components.validators.default_recipe_validator"
REGISTRY = "rasa.engine.recipes.default_components"
IMPORTERS: dict[str, dict[str, tuple[str, ...]]] = {
    TRAIN_UTILS: {
        "rasa.utils.tensorflow.callback": ("RasaTrainingLogger", "RasaModelCheckpoint"),
        "rasa.utils.tensorflow.data_generator": ("RasaBatchDataGenerator",),
    },
    VALIDATOR: {
        "rasa.nlu.classifiers.diet_classifier": ("DIETClassifier",),
        "rasa.nlu.selectors.response_selector": ("ResponseSelector",),
        "rasa.core.policies.ted_policy": ("TEDPolicy",),
    },
    REGISTRY: {
        "rasa.nlu.classifiers.diet_classifier": ("DIETClassifier",),
        "rasa.nlu.featurizers.dense_featurizer.convert_featurizer": ("ConveRTFeaturizer",),
        "rasa.nlu.featurizers.dense_featurizer.lm_featurizer": ("LanguageModelFeaturizer",),
        "rasa.nlu.selectors.response_selector": ("ResponseSelector",),
        "rasa.core.policies.ted_policy": ("TEDPolicy",),
        "rasa.core.policies.unexpected_intent_policy": ("UnexpecTEDIntentPolicy",),
    },
}
FOR_RUN = (TRAIN_UTILS, VALIDATOR)
FOR_TRAIN = (TRAIN_UTILS, VALIDATOR, REGISTRY)
# The components the registry would lack while deferred: a configuration naming one trains normally.
TENSORFLOW_COMPONENTS = frozenset(name for names in IMPORTERS[REGISTRY].values() for name in names)
_STAND_IN = "__intake_stand_in__"


class NotAsExpected(Exception):
    """Rasa's module does not import what this module replaces: it is imported unchanged."""


class _StandInType(type):
    """The type of a stand-in class: empty until used, then the real class."""

    def _loaded(cls):
        module = sys.modules.get(cls._intake_module)
        return getattr(module, cls.__name__, None) if module is not None else None

    def _real(cls):
        return getattr(importlib.import_module(cls._intake_module), cls.__name__)

    def __call__(cls, *args, **kwargs):
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, name):  # only what the stand-in itself lacks: e.g. a class method
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(cls._real(), name)

    def __instancecheck__(cls, instance):
        real = cls._loaded()
        return real is not None and not isinstance(real, _StandInType) and isinstance(instance, real)

    def __subclasscheck__(cls, subclass):
        real = cls._loaded()
        return subclass is cls or (real is not None and not isinstance(real, _StandInType) and issubclass(subclass, real))

    def __repr__(cls):
        return f"<stand-in for {cls._intake_module}.{cls.__name__}, not imported>"


def stand_in(module: str, name: str) -> type:
    """A class named ``name`` standing in for ``module.name`` until that module is imported."""
    return _StandInType(name, (), {"__module__": module, "__qualname__": name, "_intake_module": module,
                                   "__doc__": f"{module}.{name}, not imported (deploy/rasa/rasa_without_tensorflow.py)"})


def _stand_in_or_real(module: str, name: str):
    """What the compiled importer gets: the real class if its module is already loaded, else a stand-in."""
    loaded = getattr(sys.modules.get(module), name, None)
    return loaded if loaded is not None else stand_in(module, name)


def is_stand_in(value) -> bool:
    return isinstance(value, _StandInType)


def without_imports(tree: ast.Module, expected: dict[str, tuple[str, ...]]) -> ast.Module:
    """The module with each expected top-level `from M import names` replaced by stand-in assignments."""
    found = set()
    body = []
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module in expected:
            names = tuple(alias.name for alias in statement.names)
            if statement.module in found or sorted(names) != sorted(expected[statement.module]) \
                    or any(alias.asname for alias in statement.names):
                raise NotAsExpected(f"`from {statement.module} import {', '.join(names)}`")
            found.add(statement.module)
            for name in names:
                call = ast.Call(ast.Name(_STAND_IN, ast.Load()), [ast.Constant(statement.module), ast.Constant(name)], [])
                body.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], call), statement))
        else:
            body.append(statement)
    missing = set(expected) - found
    if missing:
        raise NotAsExpected(f"no top-level `from {sorted(missing)[0]} import ...`")
    tree.body = body
    return ast.fix_missing_locations(tree)


class _Compiled(importlib.abc.Loader):
    """Executes Rasa's module compiled without the deferred imports (no bytecode is written)."""

    def __init__(self, original, code) -> None:
        self.original, self.code = original, code

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        module.__dict__[_STAND_IN] = _stand_in_or_real
        try:
            exec(self.code, module.__dict__)
        finally:
            module.__dict__.pop(_STAND_IN, None)

    def get_source(self, name):  # tracebacks and inspect show Rasa's own source
        return self.original.get_source(name)


class _ThenRepair(importlib.abc.Loader):
    """Loads a TensorFlow-based module as usual, then puts its classes in place of their stand-ins."""

    def __init__(self, original, finder: DeferTensorFlow) -> None:
        self.original, self.finder = original, finder

    def create_module(self, spec):
        return self.original.create_module(spec)

    def exec_module(self, module) -> None:
        module.__loader__ = module.__spec__.loader = self.original
        self.original.exec_module(module)
        self.finder.repair(module.__name__)

    def get_source(self, name):
        return self.original.get_source(name)


class DeferTensorFlow(importlib.abc.MetaPathFinder):
    """The import hook: the importers compiled without their TensorFlow imports, the rest untouched."""

    def __init__(self, importers) -> None:
        self.importers = {name: IMPORTERS[name] for name in importers}
        self.deferred = {module for expected in self.importers.values() for module in expected}
        self.compiled: list[str] = []  # the importers compiled with stand-ins
        self.unchanged: dict[str, str] = {}  # importers imported as they are, and why
        self.repaired: list[str] = []  # TensorFlow-based modules imported after all

    def _spec(self, name, path, target):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                return spec
        return None

    def find_spec(self, name, path=None, target=None):
        if name not in self.importers and name not in self.deferred:
            return None
        spec = self._spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        if name in self.deferred:
            spec.loader = _ThenRepair(spec.loader, self)
            return spec
        try:
            if not (spec.origin or "").endswith(".py") or not hasattr(spec.loader, "get_source"):
                raise NotAsExpected(f"not a Python source file ({spec.origin})")
            source = spec.loader.get_source(name)
            tree = without_imports(ast.parse(source, spec.origin), self.importers[name])
            code = compile(tree, spec.origin, "exec", dont_inherit=True)
        except (NotAsExpected, SyntaxError, OSError, ImportError) as error:
            self.unchanged[name] = str(error)
            print(f"rasa: {name} imported as it is, TensorFlow with it ({error}; "
                  "deploy/rasa/rasa_without_tensorflow.py knows Rasa 3.6's)", file=sys.stderr, flush=True)
            return spec
        spec.loader = _Compiled(spec.loader, code)
        self.compiled.append(name)
        return spec

    def repair(self, deferred_module: str) -> None:
        """Every stand-in for ``deferred_module`` in the compiled importers becomes the real class."""
        self.repaired.append(deferred_module)
        real_module = sys.modules[deferred_module]
        for importer in self.compiled:
            namespace = getattr(sys.modules.get(importer), "__dict__", {})
            for key, value in list(namespace.items()):
                namespace[key] = _replaced(value, deferred_module, real_module)


def _replaced(value, deferred_module: str, real_module):
    """``value`` with stand-ins for ``deferred_module`` replaced (lists and sets in place: Rasa's
    TRAINABLE_EXTRACTORS, POLICY_CLASSSES, DEFAULT_COMPONENTS)."""
    def real(item):
        if is_stand_in(item) and item._intake_module == deferred_module:
            return getattr(real_module, item.__name__)
        return item

    if isinstance(value, list):
        value[:] = [real(item) for item in value]
    elif isinstance(value, set):
        items = [real(item) for item in value]
        value.clear()
        value.update(items)
    elif type(value) is tuple:
        return tuple(real(item) for item in value)
    return real(value)


def config_needs_no_tensorflow(config_path: Path) -> tuple[bool, str]:
    """(True, '') when the configuration names a pipeline and policies without TensorFlow components."""
    import yaml

    try:
        config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        return False, f"cannot read {config_path}: {error}"
    if not isinstance(config, dict) or config.get("recipe", "default.v1") != "default.v1":
        return False, f"{config_path} is not a default.v1 configuration"
    for part in ("pipeline", "policies"):
        items = config.get(part)
        if not isinstance(items, list) or not items:
            return False, f"{config_path} has no {part} (Rasa would fill in its default, with DIET and TED)"
        for item in items:
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                return False, f"{config_path}: a {part} entry without a name"
            if name.rsplit(".", 1)[-1] in TENSORFLOW_COMPONENTS:
                return False, f"{config_path} uses {name}"
    return True, ""


def install(importers=FOR_RUN) -> DeferTensorFlow:
    """Put the hook first on sys.meta_path (before Rasa is imported), or return the one there."""
    for finder in sys.meta_path:
        if isinstance(finder, DeferTensorFlow):
            return finder
    already = [name for name in importers if name in sys.modules]
    if already:  # too late for those: they were imported with TensorFlow
        print(f"rasa: TensorFlow not deferred: {', '.join(already)} already imported", file=sys.stderr, flush=True)
        importers = [name for name in importers if name not in already]
    finder = DeferTensorFlow(importers)
    sys.meta_path.insert(0, finder)
    return finder


def uninstall() -> None:
    """Remove the hook (tests); modules already compiled keep their stand-ins until repaired."""
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, DeferTensorFlow)]
