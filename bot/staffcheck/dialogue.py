"""Checks of the rules and stories (data/rules, data/stories) against the domain."""

from __future__ import annotations

from bot.staffcheck.project import Project
from bot.staffcheck.messages import problem
from bot.staffcheck.report import Problem

# Intents Rasa defines itself (rasa.shared.core.constants.DEFAULT_INTENTS, Rasa 3.6).
RASA_INTENTS = {"restart", "back", "out_of_scope", "session_start", "nlu_fallback"}
# Actions Rasa defines itself (DEFAULT_ACTION_NAMES, Rasa 3.6), plus the rule snippet marker.
RASA_ACTIONS = {
    "action_listen", "action_restart", "action_session_start", "action_default_fallback",
    "action_deactivate_loop", "action_revert_fallback_events", "action_default_ask_affirmation",
    "action_default_ask_rephrase", "action_two_stage_fallback", "action_unlikely_intent",
    "action_back", "action_extract_slots", "action_validate_slot_mappings", "...",
}
# Intents the enquiry form reads itself while it is active (actions/enquiry_form.py); no rule needed.
FORM_INTENTS = {"inform", "correct_field", "skip", "affirm", "deny"}


def check_rules_and_stories(project: Project) -> list[Problem]:
    """Rules/stories name only known intents and actions; every domain intent is used somewhere."""
    domain = project.domain
    known_actions = set(domain.actions) | set(domain.responses) | set(domain.forms) | RASA_ACTIONS
    problems = []
    for step in project.steps:
        if step.kind == "intent" and step.name not in domain.intents and step.name not in RASA_INTENTS:
            problems.append(problem(step.file, "rule_unknown_intent", line=step.line, name=step.block, intent=step.name))
        if step.kind == "action" and step.name not in known_actions:
            problems.append(problem(step.file, "rule_unknown_action", line=step.line, name=step.block, action=step.name))
    used = {step.name for step in project.steps if step.kind == "intent"} | FORM_INTENTS
    for intent, (file, line) in domain.intents.items():
        if intent not in used:
            problems.append(problem(file, "intent_unused", line=line, name=f"intent '{intent}'", intent=intent))
    return problems
