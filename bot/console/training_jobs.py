"""Train in the background, evaluate against the serving model, go live, roll back.

One job at a time, in a thread of the console: Rasa's data check, `rasa train` through
bot/runner/training.py (fingerprint cache: unchanged data is not trained twice), then
the held-out messages of tests/nlu/ classified by the new and by the serving model
(bot/staffcheck/nlu_metrics.py). Going live asks the running Rasa to load the model
(PUT /model); every swap is recorded with who did it and which model was serving.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.console.texts import Said
from bot.runner.environment import rasa_env
from bot.runner.training import CACHE_DIR, TrainingError, ensure_model
from bot.staffcheck import rasa_validate
from bot.staffcheck.nlu_metrics import LanguageScores, Prediction, score_language
from bot.staffcheck.project import Project

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
HELD_OUT = {"de": PROJECT_ROOT / "tests" / "nlu" / "de.yml", "en": PROJECT_ROOT / "tests" / "nlu" / "en.yml"}
STAGES = ("checking the data", "training", "evaluating", "ready")


class DataCheckFailed(Said):
    """Rasa's data check found problems; the job lists them."""


class NoEarlierModel(Said, LookupError):
    """Rollback is not possible: no earlier model, or its file is gone."""


@dataclass
class Job:
    started_by: str
    started_at: float = field(default_factory=time.time)
    stage: str = STAGES[0]
    finished_at: float | None = None
    error: str = ""
    failure: Exception | None = None  # the error itself, for its text in the reader's language
    problems: list[str] = field(default_factory=list)
    model: Path | None = None
    scores: dict[str, dict] = field(default_factory=dict)  # "new"/"serving" -> language -> LanguageScores
    lines: list[str] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.finished_at is None

    def log(self, line: str) -> None:
        self.lines.append(line)
        del self.lines[:-20]


def predict(models: list[Path], root: Path = PROJECT_ROOT) -> dict[Path, dict[str, LanguageScores]]:
    """Scores of each model on the held-out messages, all in one Rasa process (its start-up,
    TensorFlow's import, is paid once for the new and the serving model)."""
    files = {str(path): language for language, path in HELD_OUT.items() if path.exists()}
    command = [str(RASA_PYTHON), str(PROJECT_ROOT / "scripts" / "nlu_predict.py"), *map(str, models), *files]
    result = subprocess.run(command, cwd=root, env={**os.environ, **rasa_env()}, capture_output=True, text=True)
    if result.returncode != 0:
        raise TrainingError("classifying the test messages failed: " + " ".join(result.stderr.splitlines()[-3:]))
    found = {str(model): {language: [] for language in files.values()} for model in models}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            found[record.pop("model")][files[record.pop("file")]].append(Prediction(**record))
    return {model: {language: score_language(language, predictions)
                    for language, predictions in found[str(model)].items()} for model in models}


def find_model(name: str, project: Path) -> Path | None:
    """A model file by name: the project's models/, this checkout's, or the shared cache."""
    for folder in (project / "models", PROJECT_ROOT / "models", CACHE_DIR):
        if (folder / name).is_file():
            return folder / name
    return None


class Jobs:
    """The console's training job and model switches."""

    def __init__(self, console) -> None:
        self.console = console
        self.current: Job | None = None
        self._lock = threading.Lock()
        self.notice = ""  # why the last go-live or rollback failed

    def start(self, user: str) -> Job:
        """Start a training job unless one runs."""
        with self._lock:
            if self.current is not None and self.current.running:
                return self.current
            self.current = Job(started_by=user)
        threading.Thread(target=self._run, args=(self.current,), daemon=True, name="console-training").start()
        return self.current

    def _run(self, job: Job) -> None:
        project = self.console.project
        log_path = Path(self.console.settings.var_dir) / "log" / "console-training.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            job.log("Rasa's data check (rasa data validate) ...")
            problems, _notes = rasa_validate.interpret(Project(project), rasa_validate.run_rasa_validate(Project(project)))
            if problems:
                job.problems = [str(p) for p in problems]
                raise DataCheckFailed("training_data_problems")
            job.stage = STAGES[1]
            with open(log_path, "ab") as output:
                # Rasa's data check just passed (above): `rasa train` need not run it again.
                job.model = ensure_model(log=job.log, output=output, root=project, data_checked=True)
            job.stage = STAGES[2]
            serving = self.console.rasa.serving()
            serving_path = find_model(serving, project) if serving else None
            models = {"new": job.model, **({"serving": serving_path} if serving_path is not None else {})}
            job.log("classifying the held-out test messages with the new model"
                    + (" and, for comparison, the model that serves now ..." if serving_path is not None else " ..."))
            job.scores.update(self._scores(models))
            job.stage = STAGES[3]
        except (TrainingError, DataCheckFailed, OSError, subprocess.SubprocessError) as error:
            job.error = str(error)
            job.failure = error
        finally:
            job.finished_at = time.time()

    def _scores(self, models: dict[str, Path]) -> dict[str, dict]:
        """Each model's scores on the held-out messages (by the caller's key), kept per model
        file (a model never changes); the models not scored before are scored in one run."""
        held_out = hashlib.sha256(b"".join(p.read_bytes() for p in HELD_OUT.values() if p.exists())).hexdigest()[:16]
        caches = {key: Path(self.console.settings.var_dir) / "console-eval" / f"{model.name}.{held_out}.json"
                  for key, model in models.items()}
        missing = list(dict.fromkeys(model for key, model in models.items() if not caches[key].exists()))
        fresh = predict(missing, self.console.project) if missing else {}
        scores = {}
        for key, model in models.items():
            if model in fresh:
                scores[key] = {language: s.as_dict() for language, s in fresh[model].items()}
                caches[key].parent.mkdir(parents=True, exist_ok=True)
                caches[key].write_text(json.dumps(scores[key]))
            else:
                scores[key] = json.loads(caches[key].read_text())
        return scores

    def go_live(self, user: str, model: Path) -> None:
        """Swap the running Rasa to ``model`` and record who did it and what served before."""
        previous = self.console.rasa.serving()
        self.console.rasa.replace(model)
        self._record(user, "live", model.name, previous)

    def rollback(self, user: str) -> str:
        """Back to the model that served before the last go-live; its name."""
        last = self.last_switch()
        if last is None or not last["previous"]:
            raise NoEarlierModel("rollback_none")
        model = find_model(last["previous"], self.console.project)
        if model is None:
            raise NoEarlierModel("rollback_gone", model=last["previous"])
        current = self.console.rasa.serving()
        self.console.rasa.replace(model)
        self._record(user, "rollback", model.name, current)
        return model.name

    def _record(self, user: str, kind: str, model: str, previous: str | None) -> None:
        with self.console.store.connect() as db:
            db.execute("INSERT INTO golive (at, user, kind, model, previous) VALUES (?, ?, ?, ?, ?)",
                       (time.time(), user, kind, model, previous))

    def last_switch(self) -> dict | None:
        with self.console.store.connect() as db:
            row = db.execute("SELECT * FROM golive ORDER BY id DESC LIMIT 1").fetchone()
        return dict(row) if row else None

    def switches(self, limit: int = 20) -> list[dict]:
        with self.console.store.connect() as db:
            return [dict(r) for r in db.execute("SELECT * FROM golive ORDER BY id DESC LIMIT ?", (limit,))]
