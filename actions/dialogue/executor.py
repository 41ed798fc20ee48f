"""Applies a turn's commands in order: the replies, the frame to keep, whether the form starts.

Pure: the Rasa action (actions/converse.py) sends the replies and turns the rest into events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from actions.dialogue.commands import (
    AskQuestion, Command, NotCovered, OutOfScope, StartEnquiry, SwitchLanguage, Unclear,
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
            outcome.replies += compose(command.frame, language, vocabulary)
            outcome.frame, outcome.answered = command.frame, True
            if (concern := concern_of(command.frame, vocabulary)) and concern not in offers:
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
