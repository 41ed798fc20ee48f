"""What a client turn asks the assistant to do, as data (the interpreter's output)."""

from __future__ import annotations

from dataclasses import dataclass

from actions.dialogue.frame import QuestionFrame


@dataclass(frozen=True)
class AskQuestion:
    """Answer this question from the office's facts."""

    frame: QuestionFrame


@dataclass(frozen=True)
class NotCovered:
    """A question in the office's field the published information does not answer."""

    frame: QuestionFrame


@dataclass(frozen=True)
class StartEnquiry:
    """Start the enquiry form (concern id of content/concerns.yml, None: ask which)."""

    concern: str | None


@dataclass(frozen=True)
class SwitchLanguage:
    language: str


@dataclass(frozen=True)
class SetField:
    """A value for a field of the enquiry (the form's parser turns the text into the value)."""

    field: str
    text: str


@dataclass(frozen=True)
class Implausible:
    """Text given for a field that cannot be its value (a document named where a name is asked)."""

    field: str


@dataclass(frozen=True)
class SkipField:
    """Skip the asked field (refused with a reason when it is required)."""

    field: str


@dataclass(frozen=True)
class SkipOptional:
    """Skip every optional field still open at once ("skip the rest"); required ones are still asked."""


@dataclass(frozen=True)
class GoBack:
    """Ask the previous answered question again."""


@dataclass(frozen=True)
class CorrectField:
    """Change an earlier answer: the new value when the message gives one, else ask the field again."""

    field: str
    value: object = None
    has_value: bool = False


@dataclass(frozen=True)
class CancelEnquiry:
    """Leave the enquiry (nothing is sent); a rule of the stack carries it out. `call`: the
    client said they would rather call (the office's phone numbers are given)."""

    call: bool = False


@dataclass(frozen=True)
class Puzzled:
    """The client did not understand the question ("hä?", "what do you mean")."""


@dataclass(frozen=True)
class OutOfScope:
    """Nothing to do with residence matters."""


@dataclass(frozen=True)
class Unclear:
    """The model cannot tell; the NLU's intent decides (rules, fallback)."""

    intent: str | None


Command = (AskQuestion | NotCovered | StartEnquiry | SwitchLanguage | SetField | Implausible | OutOfScope | Unclear
           | SkipField | SkipOptional | GoBack | CorrectField | CancelEnquiry | Puzzled)
# What a client turn inside the enquiry form can be besides a value for the asked field.
FORM_MOVES = (SkipField, SkipOptional, GoBack, CorrectField, CancelEnquiry, Puzzled)
