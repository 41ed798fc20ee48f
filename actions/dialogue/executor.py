"""Applies a turn's commands in order: the replies, the frame to keep, whether the form starts;
inside the enquiry form, the moves (back, skip, correct, cancel, a question) as slot changes.

Pure: the Rasa actions (actions/converse.py, actions/enquiry_form.py) send the replies and
turn the rest into events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from actions.dialogue.commands import (
    AskQuestion, CancelEnquiry, Command, CorrectField, GoBack, Implausible, NotCovered, OutOfScope, Puzzled,
    SkipField, SkipOptional, StartEnquiry, SwitchLanguage, Unclear,
)
from actions.dialogue.compose import Reply, compose, not_covered
from actions.dialogue.frame import QuestionFrame
from actions.dialogue.understand import Context, concern_of
from actions.dialogue.vocabulary import Vocabulary, load_vocabulary
from bot import knowledge as kb
from bot.catalogue import load_catalogue


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    frame: QuestionFrame | None = None
    start_enquiry: bool = False
    concern: str | None = None        # the enquiry to start (None: the form asks which)
    unclear: str | None = None        # the NLU intent to fall back to (rules decide)
    answered: bool = False


def _offer(concern_id: str, language: str) -> Reply:
    concern = load_catalogue().concerns[concern_id]
    return Reply(text=kb.sentence("offer", language, concern=concern.label(language)),
                 buttons=({"title": concern.label(language), "payload": f"/{concern.intent}"},))


def _knowledge_offer(answer: str | None, language: str) -> Reply | None:
    """The button content/knowledge.yml offers under an answer (as the menu labels it)."""
    offered = kb.offer(answer) if answer else None
    concern = next((c for c in load_catalogue().concerns.values() if c.intent == offered), None)
    return Reply(buttons=({"title": concern.label(language), "payload": f"/{concern.intent}"},)) if concern else None


def execute(commands: list[Command], context: Context, in_form: bool = False,
            vocabulary: Vocabulary | None = None) -> Outcome:
    """Replies in command order; an answer about a matter ends with the offer of its enquiry."""
    vocabulary = vocabulary or load_vocabulary()
    outcome = Outcome(frame=context.frame)
    language = context.language
    offers: list[str] = []
    for command in commands:
        if isinstance(command, SwitchLanguage):
            language = command.language
            outcome.replies.append(Reply(response="utter_language_switched"))
        elif isinstance(command, AskQuestion):
            # "für meine Frau und mich": the same answer for both people is said once.
            outcome.replies += [r for r in compose(command.frame, language, vocabulary)
                                if r.text is None or all(r.text != said.text for said in outcome.replies)]
            outcome.frame, outcome.answered = command.frame, True
            topic = next((t for t in vocabulary.topics if t.name == command.frame.topic), None)
            concern = concern_of(command.frame, vocabulary) if topic is None or topic.matter_offer else None
            if concern and concern not in offers:
                offers.append(concern)
        elif isinstance(command, NotCovered):
            outcome.replies += not_covered(language)
            outcome.frame, outcome.answered = command.frame, True
        elif isinstance(command, StartEnquiry):
            outcome.start_enquiry, outcome.concern = True, command.concern
        elif isinstance(command, OutOfScope):
            # No reliable information here and a written question to the office (never "not responsible").
            phones = kb.format_fact("phone_numbers", kb.load_knowledge().facts["phone_numbers"], language)
            outcome.replies.append(Reply(response="utter_out_of_scope", values={"phone_numbers": phones}))
        elif isinstance(command, Unclear):
            outcome.unclear = command.intent or "nlu_fallback"
    if in_form or outcome.start_enquiry:
        return outcome
    if len(offers) == 1:
        outcome.replies.append(_offer(offers[0], language))
    elif not offers and outcome.replies:
        # No matter named: the button the knowledge file offers under the (last) answer.
        button = _knowledge_offer(outcome.replies[-1].answer, language)
        if button:
            last = outcome.replies[-1]
            outcome.replies[-1] = Reply(text=last.text, response=last.response, buttons=button.buttons,
                                        values=last.values, answer=last.answer)
    return outcome


# -- inside the enquiry form --------------------------------------------------------------

@dataclass(frozen=True)
class FormState:
    """What the form knows when a turn comes in (built by actions/enquiry_form.py)."""

    requested: str
    fields: tuple[str, ...]                  # the form's questions for this concern, in order
    values: dict[str, Any]                   # the answers so far (slot values)
    labels: dict[str, str]                   # field id -> its name in the client's language
    optional: frozenset[str] = frozenset()   # fields the client may skip
    skipped: tuple[str, ...] = ()
    skip_value: str = "__skipped__"
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # fields one question fills together
    store: Callable[[str, Any], dict[str, Any]] = lambda name, value: {name: value}  # a value as slots
    # a field's new slot values as the client reads them ("Studium", "12.05.1991")
    show: Callable[[str, dict[str, Any]], str] = lambda name, slots: str(slots.get(name, ""))


@dataclass
class FormOutcome:
    replies: list[Reply] = field(default_factory=list)
    updates: dict[str, Any] = field(default_factory=dict)
    moved: bool = False      # the turn was a move (not a value for the asked field)
    leave: bool = False      # cancel: the form rejects the turn and a rule ends it
    invalid: bool = False    # not a possible value of the asked field (the form counts attempts)


def _go_back(state: FormState) -> FormOutcome:
    """Clear the answer before the asked question, so the form asks it again."""
    earlier = state.fields[: state.fields.index(state.requested)] if state.requested in state.fields else ()
    answered = [f for f in earlier if state.values.get(f) not in (None, "")]
    if not answered:
        return FormOutcome([Reply(response="utter_cannot_go_back")], moved=True)
    group = state.groups.get(answered[-1], (answered[-1],))
    updates: dict[str, Any] = {name: None for name in group}
    if any(name in state.skipped for name in group):
        updates["skipped_fields"] = [f for f in state.skipped if f not in group]
    reply = Reply(response="utter_going_back", values={"field_label": state.labels.get(group[0], group[0])})
    return FormOutcome([reply], updates, moved=True)


def _skip(state: FormState, name: str) -> FormOutcome:
    if name in state.optional:
        updates = {name: state.skip_value, "skipped_fields": [*state.skipped, name]}
        return FormOutcome([Reply(response="utter_field_skipped")], updates, moved=True)
    return FormOutcome([Reply(response="utter_cannot_skip")], {name: None}, moved=True)


def _skip_optional(state: FormState) -> FormOutcome:
    """Every optional field from the asked one on that is still open, skipped at once; the
    required ones are still asked (the summary's change buttons can fill a skipped one)."""
    later = state.fields[state.fields.index(state.requested):] if state.requested in state.fields else state.fields
    open_ = [f for f in later if f in state.optional and state.values.get(f) in (None, "")]
    if not open_:
        return _skip(state, state.requested)  # nothing optional left: as a skip of the asked field
    updates: dict[str, Any] = {f: state.skip_value for f in open_}
    updates["skipped_fields"] = [*state.skipped, *(f for f in open_ if f not in state.skipped)]
    names = ", ".join(state.labels.get(f, f) for f in open_)
    return FormOutcome([Reply(response="utter_optional_skipped", values={"field_labels": names})], updates, moved=True)


def _correct(state: FormState, command: CorrectField) -> FormOutcome:
    label = {"field_label": state.labels.get(command.field, command.field)}
    if command.has_value:
        updates = dict(state.store(command.field, command.value))
        reply = Reply(response="utter_field_corrected", values={**label, "value": state.show(command.field, updates)})
    else:
        updates = {name: None for name in state.groups.get(command.field, (command.field,))}
        reply = Reply(response="utter_field_will_change", values=label)
    return FormOutcome([reply], {**updates, "confirmed": None}, moved=True)


def execute_in_form(commands: list[Command], context: Context, state: FormState,
                    vocabulary: Vocabulary | None = None) -> FormOutcome:
    """The form's moves: back, puzzled, cancel, skip, skip all optional, correct, a question (answered; the
    form then asks the same field again) or an implausible value. A SetField is left to
    the form's parser (moved stays False)."""
    for command in commands:
        if isinstance(command, GoBack):
            return _go_back(state)
        if isinstance(command, Puzzled):
            return FormOutcome([Reply(response="utter_question_help")], moved=True)
        if isinstance(command, CancelEnquiry):
            return FormOutcome(moved=True, leave=True)
        if isinstance(command, SkipField):
            return _skip(state, command.field)
        if isinstance(command, SkipOptional):
            return _skip_optional(state)
        if isinstance(command, CorrectField):
            return _correct(state, command)
        if isinstance(command, Implausible):
            return FormOutcome(moved=True, invalid=True)
    if any(isinstance(c, (AskQuestion, NotCovered)) for c in commands):
        answered = execute(commands, context, in_form=True, vocabulary=vocabulary)
        frame = answered.frame.as_slot() if answered.frame else None
        return FormOutcome(answered.replies, {"question_frame": frame}, moved=True)
    return FormOutcome()
