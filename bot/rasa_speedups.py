"""Two constant lookups Rasa 3.6 recomputes on every turn, computed once.

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
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Text

_INSTALLED = "_intake_cached_schema_validation"


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
    setattr(RemoteAction, _INSTALLED, True)
    return True


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
