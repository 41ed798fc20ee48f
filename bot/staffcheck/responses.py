"""Checks of the responses (domain/responses_*.yml) and of the response names the actions use."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from bot.staffcheck.project import LANGUAGES, PLACEHOLDER, Project, Response
from bot.staffcheck.messages import problem
from bot.staffcheck.report import Problem

# A response name written out in the action code: "utter_greet" or 'utter_greet'.
STATIC_NAME = re.compile(r"""(?<![\w{])["'](utter_[a-z0-9_]+)["']""")
# A response name built at run time: f"utter_invalid_{group}" -> pattern utter_invalid_<anything>.
DYNAMIC_NAME = re.compile(r"""\bf["'](utter_[a-z0-9_{}\[\]\.\w]*\{[^"']*)["']""")
# Responses Rasa's own built-in actions send (two-stage fallback, default fallback).
BUILTIN_RESPONSES = {
    "utter_ask_rephrase": "Rasa's built-in action_default_ask_rephrase (two-stage fallback)",
    "utter_default": "Rasa's built-in action_default_fallback",
}


@dataclass(frozen=True)
class Reference:
    name: str
    file: str
    line: int


def _condition_language(variation: dict) -> str | None:
    """The language a variation is for, or None when it has no language condition."""
    for cond in variation.get("condition") or []:
        if isinstance(cond, dict) and cond.get("type") == "slot" and cond.get("name") == "language":
            return str(cond.get("value"))
    return None


def _response_problems(response: Response) -> list[Problem]:
    """What is wrong with one response's variations (missing language, extra, mismatched)."""
    where = {"file": response.file, "line": response.line, "name": f"response '{response.name}'"}
    by_language: dict[str, dict] = {}
    problems = []
    for variation in response.variations:
        language = _condition_language(variation) if isinstance(variation, dict) else None
        if language not in LANGUAGES or language in by_language:
            if language is None:
                problems.append(problem(where["file"], "variation_without_language", line=where["line"], name=where["name"]))
            else:
                problems.append(problem(where["file"], "variation_second_language", line=where["line"], name=where["name"],
                                        language=language))
            continue
        by_language[language] = variation
    for language in LANGUAGES:
        if language not in by_language:
            problems.append(problem(where["file"], "variation_missing", line=where["line"], name=where["name"], language=language))
    if len(by_language) == 2:
        problems.extend(_compare_variations(by_language["de"], by_language["en"], where))
    return problems


def _compare_variations(de: dict, en: dict, where: dict) -> list[Problem]:
    """The German and English variation use the same {placeholders} and the same number of buttons."""
    problems = []
    de_slots = set(PLACEHOLDER.findall(str(de.get("text") or "")))
    en_slots = set(PLACEHOLDER.findall(str(en.get("text") or "")))
    if de_slots != en_slots:
        only_de = ", ".join(f"{{{s}}}" for s in sorted(de_slots - en_slots)) or "none"
        only_en = ", ".join(f"{{{s}}}" for s in sorted(en_slots - de_slots)) or "none"
        problems.append(problem(where["file"], "placeholders_differ", line=where["line"], name=where["name"],
                                only_de=only_de, only_en=only_en))
    de_buttons, en_buttons = len(de.get("buttons") or []), len(en.get("buttons") or [])
    if de_buttons != en_buttons:
        problems.append(problem(where["file"], "buttons_differ", line=where["line"], name=where["name"],
                                de_buttons=de_buttons, en_buttons=en_buttons))
    return problems


def check_response_languages(project: Project) -> list[Problem]:
    """Every response has exactly a German and an English variation that match each other."""
    problems = []
    for response in project.domain.responses.values():
        problems.extend(_response_problems(response))
    return problems


def static_references(project: Project) -> list[Reference]:
    """Response names written out in the action code, with file and line."""
    found = []
    for file, source in project.action_sources.items():
        for number, text in enumerate(source.splitlines(), start=1):
            found.extend(Reference(m.group(1), file, number) for m in STATIC_NAME.finditer(text))
    return found


def dynamic_patterns(project: Project) -> list[re.Pattern]:
    """Regular expressions for response names the actions build at run time (f-strings)."""
    patterns = []
    for source in project.action_sources.values():
        for match in DYNAMIC_NAME.finditer(source):
            parts = re.split(r"\{[^}]*\}", match.group(1))
            patterns.append(re.compile("^" + "[a-z0-9_]+".join(re.escape(p) for p in parts) + "$"))
    return patterns


def _set_literal(project: Project, variable: str) -> tuple[set[str], str, int]:
    """The value of a module-level constant set/dict in actions/ (e.g. REFUSAL_CODES), by reading the code."""
    for file, source in project.action_sources.items():
        for node in ast.parse(source).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == variable for t in node.targets):
                try:
                    return {str(v) for v in ast.literal_eval(node.value)}, file, node.lineno
                except ValueError:
                    return set(), file, node.lineno
    return set(), "", 0


def required_dynamic_responses(project: Project) -> list[Reference]:
    """Responses the actions will build by name: utter_ask_<field> per ask action, utter_upload_refused_<code>."""
    needed = []
    for action, (file, line) in project.domain.actions.items():
        if action.startswith("action_ask_"):
            needed.append(Reference("utter_ask_" + action.removeprefix("action_ask_"), file, line))
    codes, file, line = _set_literal(project, "REFUSAL_CODES")
    needed.extend(Reference(f"utter_upload_refused_{code}", file, line) for code in sorted(codes))
    return needed


def is_referenced_by_code(project: Project, name: str) -> bool:
    """True when the action code (or a Rasa built-in action) sends this response."""
    if name in BUILTIN_RESPONSES:
        return True
    if any(ref.name == name for ref in static_references(project)):
        return True
    return any(p.match(name) for p in dynamic_patterns(project))


def check_action_responses_exist(project: Project) -> list[Problem]:
    """Every response name the actions send (written out, or built per field / refusal code) is in the domain."""
    known = project.domain.responses
    problems = []
    seen = set()
    for ref in static_references(project) + required_dynamic_responses(project):
        if ref.name in known or ref.name in seen:
            continue
        seen.add(ref.name)
        problems.append(problem(ref.file, "action_response_missing", line=ref.line, name=f"response '{ref.name}'",
                                response=ref.name))
    return problems
