"""Plays turns through the conversation model (no Rasa) and summarises its commands."""

from __future__ import annotations

from actions.dialogue.commands import (
    AskQuestion, Implausible, NotCovered, OutOfScope, SetField, StartEnquiry, SwitchLanguage, Unclear,
)
from actions.dialogue.executor import Outcome, execute
from actions.dialogue.understand import Context, Parse, interpret, interpret_in_form


def summary(command) -> str:
    """"ask fee extension child 12", "start residence_permit_extension", "not_covered", ..."""
    if isinstance(command, AskQuestion):
        f = command.frame
        return " ".join(str(x) for x in ("ask", f.topic, f.matter, f.title, f.person, f.age) if x is not None)
    if isinstance(command, NotCovered):
        return "not_covered"
    if isinstance(command, StartEnquiry):
        return f"start {command.concern}"
    if isinstance(command, SwitchLanguage):
        return f"switch {command.language}"
    if isinstance(command, SetField):
        return f"set {command.field}"
    if isinstance(command, Implausible):
        return f"implausible {command.field}"
    if isinstance(command, OutOfScope):
        return "out_of_scope"
    if isinstance(command, Unclear):
        return f"unclear {command.intent}"
    raise AssertionError(command)


def turn(text: str, context: Context | None = None, intent: str | None = None, confidence: float = 0.9) -> list[str]:
    parse = Parse(text, intent, confidence if intent else 0.0)
    return [summary(c) for c in interpret(parse, context or Context())]


def form_turn(text: str, requested: str, concern: str = "residence_permit_extension", intent: str | None = None) -> list[str]:
    context = Context(requested=requested, concern=concern)
    return [summary(c) for c in interpret_in_form(Parse(text, intent, 0.9 if intent else 0.0), context)]


def conversation(texts: list[str], language: str = "de") -> list[Outcome]:
    """Each message with the frame the turn before left; the outcomes in order."""
    context, outcomes = Context(language=language), []
    for text in texts:
        outcome = execute(interpret(Parse(text), context), context)
        outcomes.append(outcome)
        context = Context(language=language, frame=outcome.frame)
    return outcomes


def said(outcome: Outcome) -> str:
    return "\n".join(r.text or r.response or "" for r in outcome.replies)
