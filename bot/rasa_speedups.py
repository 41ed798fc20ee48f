"""What Rasa 3.6 repeats on every turn without need: two constant lookups, one round trip.

Runs inside Rasa (imported by bot/language_policy.py, so wherever the product's model is
loaded: `rasa run`, `rasa shell`, the benchmark's in-process agent). Rasa 3.6's
``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result, schema)``
after every action-server call, and ``jsonschema.validate`` first validates the *schema*
against its meta-schema: for Rasa's events schema (every event type, dozens of ``oneOf``
branches) that is ~150 ms of pure Python per form turn under a profiler and most of a turn
that is not NLU (issue 17, docs/BENCHMARKS.md). The schema is a constant: we check it once
and keep the validator. Each answer is still validated as before, with the same error
(``best_match`` of the same validator's errors) and the same message Rasa adds.

Rasa also finds an event's class by its name (``Event.resolve_by_type``) by walking every
subclass of ``Event`` again for each event it reads: a tracker store load of ~80 events
spent most of its time there. Every event type name is unique (rasa/shared/core/events.py),
so a found class is remembered; an unknown name still goes the original way (default,
``None`` for "topic", or the ``ValueError``).

A form turn called the action server twice: ``validate_enquiry_form``, then the form's
custom ``action_ask_<slot>``. The validation action now also returns the next question,
exactly as the ask action would send it, in the slot ``prepared_question``
(actions/enquiry_form.py ``prepared_question``); the form sends it through Rasa's own
response generation (``RemoteAction._utter_responses``, the code that renders an action
server's answer) and clears the slot. Without a prepared question for that slot (a form
resumed after another action, a validation that did not run) the ask action is called as
before. This module imports no app code: the action server imports the slot name from here.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

_INSTALLED = "_intake_cached_schema_validation"
PREPARED_QUESTION_SLOT = "prepared_question"


def cached_validation(schema: Dict[Text, Any]) -> Callable[[Any], None]:
    """``jsonschema.validate(instance, schema)`` as a function, the schema checked once, now."""
    from jsonschema import exceptions
    from jsonschema.validators import validator_for

    cls = validator_for(schema)
    cls.check_schema(schema)  # once, where jsonschema.validate does it on every call
    validator = cls(schema)

    def validate(instance: Any) -> None:
        error = exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    return validate


def install() -> bool:
    """Both speed-ups, once per process (idempotent); True when installed now."""
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, _INSTALLED, False):
        return False
    _cache_event_classes()
    _validate_once()
    _send_prepared_questions()
    setattr(RemoteAction, _INSTALLED, True)
    return True


def _send_prepared_questions() -> None:
    """FormAction asking for a slot with the question the validation action prepared, if any."""
    import copy

    from rasa.core.actions.action import RemoteAction
    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.events import SlotSet

    original = FormAction._ask_for_slot

    async def _ask_for_slot(self: FormAction, domain: Any, nlg: Any, output_channel: Any, slot_name: Text,
                            tracker: Any) -> List[Any]:
        prepared = tracker.get_slot(PREPARED_QUESTION_SLOT) if PREPARED_QUESTION_SLOT in tracker.slots else None
        if not (isinstance(prepared, dict) and prepared.get("field") == slot_name
                and isinstance(prepared.get("messages"), list)):
            return await original(self, domain, nlg, output_channel, slot_name, tracker)
        # Rendered as an action server's answer is: response by name (conditions on the
        # language slot), buttons and values as the action gave them.
        messages = copy.deepcopy(prepared["messages"])
        uttered = await RemoteAction._utter_responses(messages, output_channel, nlg, tracker)
        return [*uttered, SlotSet(PREPARED_QUESTION_SLOT, None)]

    FormAction._ask_for_slot = _ask_for_slot


def _cache_event_classes() -> None:
    """``Event.resolve_by_type`` remembering the class it found for a type name."""
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


def _validate_once() -> None:
    """RemoteAction validating action-server answers with a validator whose schema was checked once."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    validate = cached_validation(RemoteAction.action_response_format_spec())

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        from jsonschema import ValidationError

        try:
            validate(result)
            return True
        except ValidationError as e:  # the message Rasa 3.6 adds (rasa/core/actions/action.py)
            e.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result
