"""Plays turns through the conversation model (no Rasa) and summarises its commands."""

from __future__ import annotations

from actions.dialogue.commands import (
    AskQuestion, Implausible, NotCovered, OutOfScope, SetField, StartEnquiry, SwitchLanguage, Unclear,
)
from actions.dialogue.executor import Outcome, execute
from actions.dialogue.understand import Context, Parse, interpret, interpret_in_form
from bot.catalogue import load_catalogue


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


def conversation(texts: list[str], language: str = "de", intents: list[str | None] | None = None) -> list[Outcome]:
    """Each message with the frame the turn before left and the enquiry its answer offered (as
    actions/converse.py reads it from the last message's buttons); the outcomes in order.
    intents: the NLU's intent per message (confidence 0.8), None for none."""
    context, outcomes = Context(language=language), []
    for number, text in enumerate(texts):
        intent = (intents or [None] * len(texts))[number]
        outcome = execute(interpret(Parse(text, intent, 0.8 if intent else 0.0), context), context)
        outcomes.append(outcome)
        context = Context(language=language, frame=outcome.frame, offered=_offered(outcome))
    return outcomes


def _offered(outcome: Outcome) -> str | None:
    """The concern of the one enquiry button under the outcome's last reply, if any."""
    buttons = outcome.replies[-1].buttons if outcome.replies else ()
    payloads = [b["payload"][1:] for b in buttons or () if b["payload"].startswith("/enquiry_")]
    concern = load_catalogue().by_intent(payloads[0]) if len(payloads) == 1 else None
    return concern.id if concern else None


def said(outcome: Outcome) -> str:
    return "\n".join(r.text or r.response or "" for r in outcome.replies)
