"""Checks of the office's content files: knowledge (facts and answers), concern catalogue, routing."""

from __future__ import annotations

import importlib

import yaml

from bot.staffcheck.project import LANGUAGES, LineMap, Project, line_of
from bot.staffcheck.messages import problem
from bot.staffcheck.report import Problem

KNOWLEDGE = "content/knowledge.yml"
CONCERNS = "content/concerns.yml"
ROUTING = "content/routing.yml"
# The actions that answer general questions (faq_* intents) from the knowledge file.
ANSWER_ACTIONS = {"action_answer_question", "action_converse"}


class Skip(Exception):
    """The check cannot run here (a part it needs is missing); the message says why."""


def _loader_problem(file: str, error: Exception, key: str = "loader_refuses") -> Problem:
    """A loader's own staff-readable message (English only so far), as one problem."""
    text = str(error)
    for prefix in (file, file.rsplit("/", 1)[-1]):
        text = text.removeprefix(f"{prefix}, ").removeprefix(f"{prefix}: ")
    said = {}
    if getattr(error, "key", ""):  # the loader says it in German too (bot/backend/routing.py)
        said = {"error_key": error.key, "place": tuple(error.place.items()), "error_values": tuple(error.values.items())}
    return problem(file, key, message=text, **said)


def _knowledge_entries(project: Project, data: LineMap) -> list[Problem]:
    """Facts without a source; answers without de/en text or without sources (all of them, with lines)."""
    problems = []
    facts = data.get("facts") or {}
    for key, entry in facts.items() if isinstance(facts, dict) else ():
        if not isinstance(entry, dict) or not str(entry.get("source") or "").strip():
            problems.append(problem(KNOWLEDGE, "fact_without_source", line=line_of(facts, key), name=f"fact '{key}'"))
    answers = data.get("answers") or {}
    for intent, entry in answers.items() if isinstance(answers, dict) else ():
        where = {"line": line_of(answers, intent), "name": f"answer '{intent}'"}
        entry = entry if isinstance(entry, dict) else {}
        for language in LANGUAGES:
            if not str(entry.get(language) or "").strip():
                problems.append(problem(KNOWLEDGE, "answer_without_text", **where, language=language))
        sources = entry.get("sources")
        if not isinstance(sources, list) or not any(str(s).strip() for s in sources):
            problems.append(problem(KNOWLEDGE, "answer_without_sources", **where))
        if intent not in project.domain.intents:
            problems.append(problem(KNOWLEDGE, "answer_unknown_intent", **where, intent=intent))
    return problems


def _unanswered_questions(project: Project, answers: dict) -> list[Problem]:
    """Intents that rules send to the answer action but that have no answer in the knowledge file."""
    problems = []
    blocks = {s.block for s in project.steps if s.kind == "action" and s.name in ANSWER_ACTIONS}
    for step in project.steps:
        if (step.kind == "intent" and step.block in blocks and step.name.startswith("faq_")
                and step.name not in answers):
            problems.append(problem(step.file, "question_without_answer", line=step.line, name=f"intent '{step.name}'",
                                    file=KNOWLEDGE, intent=step.name))
    return problems


def check_knowledge_sources(project: Project) -> list[Problem]:
    """Every fact has a source; every answer has de and en text and sources; every asked question has an answer."""
    path = project.root / KNOWLEDGE
    if not path.exists():
        return [problem(KNOWLEDGE, "file_missing", file=KNOWLEDGE)]
    data = project.load(path) or LineMap()
    problems = _knowledge_entries(project, data)
    problems += _unanswered_questions(project, data.get("answers") or {})
    if not problems:
        try:
            knowledge = importlib.import_module("bot.knowledge")
        except ImportError:
            return problems  # the structural check above is all we can do
        try:
            knowledge.parse_knowledge(yaml.safe_load(path.read_text(encoding="utf-8")))
        except ValueError as error:
            problems.append(_loader_problem(KNOWLEDGE, error))
    return problems


def check_concern_catalogue(project: Project) -> list[Problem]:
    """The concern catalogue loads, and every concern's intent exists in the domain with examples in both languages."""
    from bot.catalogue import CatalogueError, parse_catalogue
    from bot.fields import FieldsError, read_registry

    path = project.root / CONCERNS
    data = project.load(path)
    try:
        field_ids = read_registry(project.root).ids
    except FieldsError:
        raise Skip("content/fields.yml does not load (see the check 'fields')") from None
    try:
        catalogue = parse_catalogue(yaml.safe_load(path.read_text(encoding="utf-8")), field_ids)
    except CatalogueError as error:
        return [_loader_problem(CONCERNS, error)]
    concerns = data.get("concerns") or {}
    problems = []
    for concern in catalogue.concerns.values():
        where = {"line": line_of(concerns, concern.id), "name": f"concern '{concern.id}'"}
        if concern.intent not in project.domain.intents:
            problems.append(problem(CONCERNS, "concern_unknown_intent", **where, intent=concern.intent))
            continue
        for language in LANGUAGES:
            if not any(e.intent == concern.intent and e.language == language for e in project.examples):
                problems.append(problem(CONCERNS, "concern_intent_without_examples", **where, intent=concern.intent,
                                        language=language))
    return problems


def check_routing_rules(project: Project) -> list[Problem]:
    """The routing rules load against the concern catalogue (the backend's own loader)."""
    try:
        routing = importlib.import_module("bot.backend.routing")
    except ImportError as error:
        raise Skip(f"the routing loader bot/backend/routing.py cannot be imported ({error})") from error
    loader = getattr(routing, "load_routing", None)
    if loader is None:
        raise Skip("bot/backend/routing.py has no load_routing()")
    from bot.catalogue import CatalogueError, parse_catalogue

    try:
        catalogue = parse_catalogue(yaml.safe_load((project.root / CONCERNS).read_text(encoding="utf-8")))
    except CatalogueError as error:
        raise Skip(f"the concern catalogue does not load, fix it first ({error})") from error
    try:
        loader(catalogue, project.root / ROUTING)
    except (ValueError, OSError) as error:
        return [_loader_problem(ROUTING, error, "routing_loader_refuses")]
    return []
