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

Even with the schema checked once, jsonschema tries all 23 branches of the events schema's
``oneOf`` for every event of an answer (2.8 ms CPU for a form answer's four slot events at
load 9); each branch fixes ``event`` to its own type, so an event is checked against its
own type's branch first (0.25 ms), and only an answer that fails that goes through the whole
schema, for Rasa's own error (``dispatching_validation``).

The intent classifier (scikit-learn's LogisticRegression inside Rasa's
``LogisticRegressionClassifier``) scores a message as ``X @ coef_.T``: a sparse row times
the transposed weights (42 intents x ~20 000 n-gram features, 7 MB). ``coef_`` is stored
row-major, so its transpose is column-major and scipy copies all 7 MB into row-major
order for every message: most of the NLU's time (parse 40 -> 16 ms in process at load 8).
The weights are kept column-major instead (``np.asfortranarray``, same values), so the
transpose is already what scipy wants; the probabilities come out bit for bit the same.

Every action-server call also paid for a new HTTP client: ``EndpointConfig.request`` opens
an ``aiohttp.ClientSession`` per request (a new connection, its setup and teardown on both
sides: ~1 ms of a call at load 5). The endpoint now keeps one session per event loop, with
keep-alive connections (aiohttp closes them after 15 s idle, rasa_sdk keeps them 120 s);
headers, auth, parameters, timeout and errors are Rasa's.

And every call carried the whole domain (48 of 55 KiB; ~2 ms of JSON on both sides at
load 5), although it never changes while a model is loaded. Rasa now sends the domain's
digest instead (``domain_digest``, the field rasa_sdk 3.21 reads): the action server keeps
the domain of the last request that carried one and answers 449 when it has none or
another (first call after its start, another worker); Rasa then repeats that one call with
the domain. Nothing was sent or run by the refused call.

Not a speed-up but a guard of the same kind: Rasa's circuit breaker
(``MessageProcessor.is_action_limit_reached``) counts the actions since the last
``action_listen`` in the tracker, and the two-stage fallback's clarification writes a new
``action_listen`` + user message into the tracker. A fallback that clarifies into another
fallback therefore never trips the breaker: one message kept Rasa's only event loop busy
for minutes (seen in CI with fuzzed input, with a 5-turn tracker window), every other
client timing out. The guard also counts the predictions of the message being handled and
stops at twice Rasa's limit.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, List, Optional, Text

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


def dispatching_validation(schema: Dict[Text, Any]) -> Callable[[Any], None]:
    """``cached_validation(schema)`` for Rasa's action-server answer, checking each event only
    against the schema of its own type first.

    Rasa's events schema is ``oneOf`` over one schema per event type, each fixing ``event`` to
    its own constant, so an event can match only the branch of its type, and ``oneOf`` holds
    exactly when that branch does. jsonschema still tries every branch (23) for every event: a
    form answer's events took 5-6 ms per turn under load (py-spy, docs/BENCHMARKS.md). An
    answer that passes the per-type check is valid under the whole schema; anything else
    (an unknown type, a wrong field) goes through the whole schema as before, which raises
    Rasa's error. A schema of any other shape is validated whole.
    """
    from jsonschema.validators import validator_for

    whole = cached_validation(schema)
    properties = schema.get("properties") or {}
    events = properties.get("events") or {}
    item = events.get("items") or {}
    branches = item.get("oneOf") or []
    types = [((branch.get("properties") or {}).get("event") or {}).get("const") for branch in branches]
    if schema.get("type") != "object" or events.get("type") != "array" or not branches \
            or not all(isinstance(name, str) for name in types) or len(set(types)) != len(types):
        return whole
    cls = validator_for(schema)
    outer = cls({**schema, "properties": {**properties, "events": {"type": "array"}}})
    common = cls({key: value for key, value in item.items() if key != "oneOf"})
    by_type = {name: cls(branch) for name, branch in zip(types, branches)}

    def event_valid(event: Any) -> bool:
        if not (isinstance(event, dict) and common.is_valid(event)):
            return False
        branch = by_type.get(event["event"])  # a string: `common` requires it
        return branch is not None and branch.is_valid(event)

    def validate(instance: Any) -> None:
        if outer.is_valid(instance) and all(event_valid(event) for event in instance.get("events", ())):
            return
        whole(instance)  # invalid (or not provably valid): the whole schema, Rasa's error

    return validate


def install() -> bool:
    """Both speed-ups, once per process (idempotent); True when installed now."""
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, _INSTALLED, False):
        return False
    _cache_event_classes()
    _validate_once()
    _send_prepared_questions()
    _bound_predictions_per_message()
    _classifier_weights_column_major()
    _keep_http_sessions()
    _domain_by_digest()
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


def _classifier_weights_column_major() -> None:
    """LogisticRegressionClassifier.process with the weights laid out for ``X @ coef_.T`` (once per model)."""
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    original = LogisticRegressionClassifier.process

    @functools.wraps(original)  # Rasa checks the graph by the annotations: the original's, resolved in its module
    def process(self, messages):  # type: ignore[no-untyped-def]
        coef = getattr(self.clf, "coef_", None)  # None before training
        if coef is not None and not coef.T.flags.c_contiguous:
            self.clf.coef_ = np.asfortranarray(coef)
        return original(self, messages)

    LogisticRegressionClassifier.process = process


_SESSIONS = "_intake_sessions"


def _keep_http_sessions() -> None:
    """``EndpointConfig.request`` with one aiohttp session per endpoint and event loop, kept open."""
    import asyncio
    import os
    import ssl

    import aiohttp
    from aiohttp import ContentTypeError
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
    from rasa.shared.exceptions import FileNotFoundException
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

    def kept_session(self: EndpointConfig) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        sessions = self.__dict__.setdefault(_SESSIONS, {})
        session = sessions.get(loop)
        if session is None or session.closed:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
                if self.basic_auth else None
            session = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))
            sessions.clear()  # a session of a loop that is gone cannot be used (nor closed) any more
            sessions[loop] = session
        return session

    async def request(self: EndpointConfig, method: Text = "post", subpath: Optional[Text] = None,
                      content_type: Optional[Text] = "application/json", compress: bool = False,
                      **kwargs: Any) -> Optional[Any]:
        # Rasa 3.6's EndpointConfig.request (rasa/utils/endpoints.py) with a kept session.
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if "headers" in kwargs:
            headers.update(kwargs["headers"])
            del kwargs["headers"]
        if self.headers:
            headers.update(self.headers)
        url = concat_url(self.url, subpath)
        sslcontext = None
        if self.cafile:
            try:
                sslcontext = ssl.create_default_context(cafile=self.cafile)
            except FileNotFoundError as e:
                raise FileNotFoundException(
                    f"Failed to find certificate file, '{os.path.abspath(self.cafile)}' does not exist."
                ) from e
        session = kept_session(self)
        async with session.request(method, url, headers=headers, params=self.combine_parameters(kwargs),
                                   compress=compress, ssl=sslcontext, **kwargs) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json()
            except ContentTypeError:
                return None

    EndpointConfig.request = request


_DIGEST = "_intake_domain_digest"
_WITH_DOMAIN: Any = None  # contextvars.ContextVar, set at install
MISSING_DOMAIN_STATUS = 449  # rasa_sdk's answer to a digest it does not know without a domain


def domain_digest(domain: Any) -> Text:
    """sha256 of the domain as Rasa sends it (once per loaded Domain object)."""
    digest = domain.__dict__.get(_DIGEST)
    if digest is None:
        import hashlib
        import json

        digest = hashlib.sha256(json.dumps(domain.as_dict(), sort_keys=True, default=str).encode()).hexdigest()
        domain.__dict__[_DIGEST] = digest
    return digest


def _domain_by_digest() -> None:
    """Action-server calls carry the domain's digest; the domain itself only when the server asks (449)."""
    import contextvars

    from rasa.core.actions.action import RemoteAction
    from rasa.shared.exceptions import RasaException
    from rasa.utils.endpoints import ClientResponseError

    global _WITH_DOMAIN
    _WITH_DOMAIN = contextvars.ContextVar("intake_send_domain", default=False)
    original_format = RemoteAction._action_call_format
    original_run = RemoteAction.run

    def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[Text, Any]:
        body = original_format(self, tracker, domain)
        body["domain_digest"] = domain_digest(domain)
        if not _WITH_DOMAIN.get():
            body.pop("domain", None)
        return body

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        except RasaException as error:
            cause = error.__cause__
            if not (isinstance(cause, ClientResponseError) and cause.status == MISSING_DOMAIN_STATUS) \
                    or _WITH_DOMAIN.get():
                raise
        # The action server has no domain of this digest: nothing ran; once more, with the domain.
        token = _WITH_DOMAIN.set(True)
        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        finally:
            _WITH_DOMAIN.reset(token)

    RemoteAction._action_call_format = _action_call_format
    RemoteAction.run = run


_PREDICTIONS = "_intake_predictions_this_message"


def _bound_predictions_per_message() -> None:
    """Rasa's action limit, counted per handled message as well as per tracker segment."""
    from rasa.core.processor import MessageProcessor

    original_loop = MessageProcessor._run_prediction_loop
    original_limit = MessageProcessor.is_action_limit_reached

    async def _run_prediction_loop(self: MessageProcessor, output_channel: Any, tracker: Any) -> None:
        setattr(tracker, _PREDICTIONS, 0)
        return await original_loop(self, output_channel, tracker)

    def is_action_limit_reached(self: MessageProcessor, tracker: Any, should_predict_another_action: bool) -> bool:
        predictions = getattr(tracker, _PREDICTIONS, 0) + 1
        setattr(tracker, _PREDICTIONS, predictions)
        if original_limit(self, tracker, should_predict_another_action):
            return True
        # Not `and should_predict_another_action`: after a clarification the latest action is
        # action_listen, for which Rasa says "predict no other" and then predicts anyway.
        return predictions > 2 * self.max_number_of_predictions

    MessageProcessor._run_prediction_loop = _run_prediction_loop
    MessageProcessor.is_action_limit_reached = is_action_limit_reached


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

    validate = dispatching_validation(RemoteAction.action_response_format_spec())

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
