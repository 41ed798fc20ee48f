"""Checks of the training examples (data/nlu/de, data/nlu/en): enough of them, none in two intents."""

from __future__ import annotations

from collections import defaultdict

from bot.staffcheck.project import LANGUAGES, Example, Project, normalise
from bot.staffcheck.messages import problem
from bot.staffcheck.report import Problem

LANGUAGE_NAMES = {"de": "German", "en": "English"}


def check_examples_per_language(project: Project, minimum: int = 10) -> list[Problem]:
    """Every intent of the domain has at least ``minimum`` examples in German and in English."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    first_file: dict[tuple[str, str], Example] = {}
    for example in project.examples:
        key = (example.intent, example.language)
        counts[key] += 1
        first_file.setdefault(key, example)
    problems = []
    for intent, (domain_file, domain_line) in project.domain.intents.items():
        for language in LANGUAGES:
            have = counts[(intent, language)]
            if have >= minimum:
                continue
            seen = first_file.get((intent, language))
            problems.append(problem(
                seen.file if seen else f"data/nlu/{language}/", "too_few_examples" if seen else "too_few_examples_no_block",
                line=seen.line if seen else 0, name=f"intent '{intent}'", intent=intent, language=language,
                have=have, plural="s" if have != 1 else "", minimum=minimum, missing=minimum - have,
                **({"file": seen.file} if seen else {}),
            ))
    return problems


def check_duplicate_examples(project: Project) -> list[Problem]:
    """No example (lowercased, spaces collapsed) belongs to two different intents, in or across languages."""
    by_text: dict[str, list[Example]] = defaultdict(list)
    for example in project.examples:
        by_text[normalise(example.text)].append(example)
    problems = []
    for examples in by_text.values():
        intents = sorted({e.intent for e in examples})
        if len(intents) < 2:
            continue
        first = examples[0]
        others = "; ".join(f"'{e.intent}' in {e.file}:{e.line}" for e in examples[1:] if e.intent != first.intent)
        problems.append(problem(first.file, "example_in_two_intents", line=first.line, name=f"intent '{first.intent}'",
                                text=first.text, others=others))
    return problems
