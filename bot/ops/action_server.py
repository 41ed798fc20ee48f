"""The action server's caller check, /health/live, /health/ready and /metrics, attached to
rasa_sdk's Sanic app through its plugin hook (``rasa_sdk_plugins``), so actions/ stays untouched.

Caller check: rasa_sdk runs any action for any tracker posted to /webhook, and its
actions submit cases and read the backend with the service token. So every request
except the health routes (and /metrics, which has its own token) must carry
``X-Intake-Action-Token: <INTAKE_ACTIONS_TOKEN>`` (Rasa sends it: endpoints.yml), compared
in constant time; anything else gets 401 before the body is read. A header, not a query
parameter: URLs reach access logs and error messages.

Enquiry metrics are read from each /webhook call: the action Rasa asked for, the
tracker's slots before, the events the action returned. Only closed sets reach the
labels (action names, catalogue concern ids, de/en); ids and slot texts never do.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
import warnings
from collections import OrderedDict

import pluggy
from prometheus_client import Gauge

from bot.config import get_settings
from bot.ops import metrics as m
from bot.ops.health import http_check, ready_body, run_checks
from bot.ops.logs import METADATA_KEY, RequestIdFilter, accept_request_id, configure_logging, new_request_id, request_id

log = logging.getLogger("bot.ops.action_server")
hookimpl = pluggy.HookimplMarker("rasa_sdk")


def silence_known_pairing_warning() -> None:
    """Rasa 3.6 with rasa-sdk 3.21 is deliberate (docs/DEPENDENCIES.md): silence exactly
    that pairing's compatibility warning; any other pairing still warns."""
    warnings.filterwarnings("ignore", category=UserWarning, message=(
        r"Your versions of rasa and rasa_sdk might not be compatible\. You are currently running "
        r"rasa version 3\.6\.\d+ and rasa_sdk version 3\.21\.\d+"))


silence_known_pairing_warning()
FALLBACK_ACTIONS = {"action_default_fallback": "final", "action_default_ask_affirmation": "clarify"}
LEAVING_ACTIONS = {"action_cancel_enquiry", "action_start_over"}
SUBMIT_ACTION = "action_submit_enquiry"
# Several actions run per client message: its id counts it once (kept in memory only).
_seen_messages: OrderedDict[str, None] = OrderedDict()
SEEN_MESSAGES_MAX = 2000


def first_sight(message_id: object) -> bool:
    """True the first time a message id is seen (a bounded memory of recent ones)."""
    if not isinstance(message_id, str) or not message_id or message_id in _seen_messages:
        return False
    _seen_messages[message_id] = None
    if len(_seen_messages) > SEEN_MESSAGES_MAX:
        _seen_messages.popitem(last=False)
    return True
# Only the action server has an outbox: gauges here, not in every service's output.
OUTBOX_DEPTH = Gauge("intake_outbox_depth", "Submissions waiting in the outbox")
OUTBOX_AGE = Gauge("intake_outbox_oldest_age_seconds", "Age of the oldest waiting submission (0 when empty)")


def observe_webhook(call: dict, result: dict | None, seconds: float, status: int) -> None:
    """Count one custom action and what it meant for the enquiry."""
    action = call.get("next_action") or ""
    slots = (call.get("tracker") or {}).get("slots") or {}
    events = (result or {}).get("events") or []
    action_label = _action_name(call)
    m.ACTIONS.labels(action_label, "ok" if status < 400 else "error").inc()
    m.ACTION_SECONDS.labels(action_label).observe(seconds)
    if status >= 500:
        m.ERRORS.labels("actions", "action_failed").inc()
    language = m.one_of(slots.get("language"), m.LANGUAGES)
    set_slots = {e.get("name"): e.get("value") for e in events if e.get("event") == "slot"}
    if slots.get("concern") is None and set_slots.get("concern"):
        m.ENQUIRIES.labels("started", m.concern_label(set_slots["concern"]), language).inc()
    if action in FALLBACK_ACTIONS:
        m.FALLBACKS.labels(language, FALLBACK_ACTIONS[action]).inc()
    latest = (call.get("tracker") or {}).get("latest_message") or {}
    if (latest.get("intent") or {}).get("name") == "nlu_fallback" and first_sight(latest.get("message_id")):
        m.FALLBACKS.labels(language, "not_understood").inc()
    if action in LEAVING_ACTIONS and slots.get("concern"):
        m.ENQUIRIES.labels("abandoned", m.concern_label(slots["concern"]), language).inc()
    if action == SUBMIT_ACTION:
        case = set_slots.get("last_case_number")
        outcome = "rejected" if case is None else "queued" if case == "queued" else "stored"
        m.SUBMISSIONS.labels(outcome).inc()
        if outcome != "rejected":
            m.ENQUIRIES.labels("submitted", m.concern_label(slots.get("concern")), language).inc()


def _action_name(call: dict) -> str:
    """The action's name when it looks like one of ours (never free text in a log)."""
    action = call.get("next_action") or ""
    return action[:60] if action.startswith(("action_", "validate_", "utter_")) else "other"


def note_outbox() -> None:
    """Depth and age of the oldest waiting submission, read at scrape time."""
    from actions import outbox

    depth, oldest = outbox.stats()
    OUTBOX_DEPTH.set(depth)
    OUTBOX_AGE.set(max(0.0, time.time() - oldest) if oldest else 0.0)


class ActionServerOps:
    @hookimpl
    def attach_sanic_app_extensions(self, app) -> None:
        attach(app)


ACTION_TOKEN_HEADER = "X-Intake-Action-Token"
# Routes that answer without the token: they carry no data (metrics checks its own token).
OPEN_PATHS = frozenset({"/health", "/health/live", "/health/ready", "/metrics"})


def caller_allowed(path: str, presented: str | None, expected: str, development: bool = False) -> bool:
    """True when a request may reach the action server's routes (constant-time token check)."""
    if path in OPEN_PATHS:
        return True
    if not expected:
        return development  # safe_start refuses a missing token outside development mode
    return hmac.compare_digest((presented or "").encode("utf-8"), expected.encode("utf-8"))


def attach(app) -> None:
    """Routes and middleware on rasa_sdk's Sanic app."""
    from sanic import response

    settings = get_settings()

    @app.middleware("request")
    async def require_caller_token(request):
        """Only Rasa (holding INTAKE_ACTIONS_TOKEN) may run actions or list them."""
        if not caller_allowed(request.path, request.headers.get(ACTION_TOKEN_HEADER), settings.actions_token,
                              settings.env == "development"):
            m.ERRORS.labels("actions", "unauthorised_call").inc()
            return response.json({"error": "unauthorized"}, status=401)
        return None

    if settings.log_format == "json":
        configure_logging("actions", "json")
    else:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RequestIdFilter())

    @app.listener("after_server_start")
    async def start_outbox_worker(_app, _loop):
        """Deliver waiting submissions from the start: in scale-out also those another server queued."""
        from actions import outbox

        outbox.ensure_worker()

    @app.middleware("request")
    async def start_clock(request):
        request.ctx.started = time.perf_counter()
        if request.path == "/webhook":
            try:
                metadata = (request.json or {}).get("tracker", {}).get("latest_message", {}).get("metadata") or {}
            except (ValueError, AttributeError):
                metadata = {}
            request_id.set(accept_request_id(metadata.get(METADATA_KEY)) or new_request_id())

    @app.middleware("response")
    async def measure(request, resp):
        if request.path != "/webhook" or not hasattr(request.ctx, "started"):
            return
        try:
            result = json.loads(resp.body or b"{}")
            seconds = time.perf_counter() - request.ctx.started
            observe_webhook(request.json or {}, result, seconds, resp.status)
            log.info("action %s %d %.0fms", _action_name(request.json or {}), resp.status, seconds * 1000)
        except (ValueError, TypeError, AttributeError):
            m.ERRORS.labels("actions", "unreadable_call").inc()

    async def live(_request):
        return response.json({"status": "ok"})

    async def outbox_check() -> str | None:
        from actions import outbox

        try:
            await asyncio.to_thread(outbox.stats)
        except Exception:
            return "outbox not reachable"
        return None

    def checks() -> dict:
        return {"backend": http_check(f"{settings.backend_url}/health", "backend"), "outbox": outbox_check}

    async def ready(_request):
        is_ready, report = await run_checks(checks())
        return response.json(ready_body(is_ready, report), status=200 if is_ready else 503)

    async def metrics(request):
        if not settings.metrics_token:
            return response.empty(status=404)
        if not m.authorised(request.headers.get("authorization"), settings.metrics_token):
            return response.empty(status=401, headers={"WWW-Authenticate": "Bearer"})
        await asyncio.to_thread(note_outbox)
        await run_checks(checks())  # fresh intake_ready_check values
        body, content_type = m.exposition()
        return response.raw(body, content_type=content_type)

    app.add_route(live, "/health/live", methods=["GET"], name="intake_live")
    app.add_route(ready, "/health/ready", methods=["GET"], name="intake_ready")
    app.add_route(metrics, "/metrics", methods=["GET"], name="intake_metrics")
