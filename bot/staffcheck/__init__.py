"""The staff's data checks (`make validate`): Rasa's validator plus the project's own rules.

One module per family of checks (nlu, responses, dialogue, content, rasa_validate);
this module lists them in the order they are reported and runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.staffcheck import content, dialogue, fields, messages, nlu, rasa_validate, responses
from bot.staffcheck.project import DataFileError, Project
from bot.staffcheck.report import CheckResult, Problem


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    run: Callable[[Project, "Options"], tuple[list[Problem], list[str]]]  # problems, notes


@dataclass(frozen=True)
class Options:
    min_examples: int = 10
    with_rasa: bool = True


def _rasa(project: Project, options: Options) -> tuple[list[Problem], list[str]]:
    return rasa_validate.interpret(project, rasa_validate.run_rasa_validate(project))


def _plain(check: Callable[[Project, Options], list[Problem]]):
    """A check without notes, in the (problems, notes) shape."""
    return lambda project, options: (check(project, options), [])


CHECKS = (
    Check("rasa", "Rasa's own data check (rasa data validate --fail-on-warnings)", _rasa),
    Check("examples", "every intent has enough training examples in German and English",
          _plain(lambda p, o: nlu.check_examples_per_language(p, o.min_examples))),
    Check("responses", "every response has one German and one English variation that match",
          _plain(lambda p, o: responses.check_response_languages(p))),
    Check("duplicates", "no training example belongs to two intents",
          _plain(lambda p, o: nlu.check_duplicate_examples(p))),
    Check("dialogue", "rules and stories use known intents and actions; every intent is used",
          _plain(lambda p, o: dialogue.check_rules_and_stories(p))),
    Check("knowledge", "every fact and answer in content/knowledge.yml has a source",
          _plain(lambda p, o: content.check_knowledge_sources(p))),
    Check("fields", "every field is defined once, in content/fields.yml; domain/fields.yml matches it",
          _plain(lambda p, o: fields.check_fields(p))),
    Check("concerns", "the concern catalogue loads and its intents have examples",
          _plain(lambda p, o: content.check_concern_catalogue(p))),
    Check("routing", "the routing rules load",
          _plain(lambda p, o: content.check_routing_rules(p))),
    Check("action_responses", "every response the actions send exists",
          _plain(lambda p, o: responses.check_action_responses_exist(p))),
)


def run_check(check: Check, project: Project, options: Options) -> CheckResult:
    """Run one check; a broken YAML file or a missing part becomes a readable result, not a crash."""
    result = CheckResult(check.id, check.title)
    if check.id == "rasa" and not options.with_rasa:
        result.skipped = "left out on request (--quick)"
        return result
    try:
        result.problems, result.notes = check.run(project, options)
    except content.Skip as reason:
        result.skipped = str(reason)
    except DataFileError as error:
        result.problems = [messages.problem(error.file, "not_valid_yaml", line=error.line, problem=error.problem)]
    return result


def run_checks(project: Project, options: Options = Options(), only: set[str] | None = None) -> list[CheckResult]:
    """Run the selected checks (all by default) in report order."""
    return [run_check(c, project, options) for c in CHECKS if only is None or c.id in only]
