"""Prometheus metrics of every service of ours (prometheus-client), and their /metrics route.

Label values come from closed sets only: route templates, action names, catalogue
concern ids, de/en, verdict and outcome words. Never a conversation or chat id, a
case number, a file name or any text a client typed (tests/ops/test_metrics.py).
``/metrics`` wants ``Authorization: Bearer $INTAKE_METRICS_TOKEN``; without a token
configured it is off (404).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable
from functools import lru_cache

from fastapi import Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

disable_created_metrics()  # the *_created series only double the output

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter("intake_http_requests", "HTTP requests handled", ["service", "method", "route", "status"])
REQUEST_SECONDS = Histogram("intake_http_request_duration_seconds", "Time to answer an HTTP request",
                            ["service", "route"], buckets=LATENCY_BUCKETS)
ERRORS = Counter("intake_errors", "Failures by service and kind (5xx, unreachable dependency...)", ["service", "kind"])
TURNS = Counter("intake_turns", "Client messages forwarded to Rasa", ["channel", "outcome"])
TURN_SECONDS = Histogram("intake_turn_duration_seconds", "Rasa's time for one client message", ["channel"],
                         buckets=LATENCY_BUCKETS)
ACTIONS = Counter("intake_actions", "Custom actions run by the action server", ["action", "outcome"])
ACTION_SECONDS = Histogram("intake_action_duration_seconds", "Time of one custom action", ["action"],
                           buckets=LATENCY_BUCKETS)
ENQUIRIES = Counter("intake_enquiries", "Enquiries started, submitted or abandoned", ["event", "concern", "language"])
FALLBACKS = Counter("intake_fallbacks", "Messages the assistant did not understand", ["language", "stage"])
SUBMISSIONS = Counter("intake_submissions", "Confirmed enquiries sent to the backend", ["outcome"])
UPLOADS = Counter("intake_uploads", "Uploads by scan verdict", ["verdict"])
SCAN_SECONDS = Histogram("intake_scan_duration_seconds", "Virus scan time of one upload", buckets=LATENCY_BUCKETS)
CASES = Counter("intake_cases_stored", "Cases the backend stored", ["status"])
PDF_SECONDS = Histogram("intake_pdf_render_seconds", "Time to render one confirmation PDF", buckets=LATENCY_BUCKETS)
READY_CHECK = Gauge("intake_ready_check", "1 when a readiness check passed at the last probe or scrape, else 0",
                    ["check"])
MODEL = Gauge("intake_model_info", "The Rasa model Rasa serves (1 for the loaded fingerprint)", ["model"])

LANGUAGES = frozenset({"de", "en"})
CHANNELS = frozenset({"rest", "web", "widget", "telegram"})


def one_of(value: object, allowed: frozenset[str] | set[str], other: str = "other") -> str:
    """The value when it is in the closed set, else `other` (labels never carry free text)."""
    return value if isinstance(value, str) and value in allowed else other


@lru_cache
def concern_ids() -> frozenset[str]:
    """The catalogue's concern ids: the only concern label values."""
    from bot.catalogue import load_catalogue

    return frozenset(load_catalogue().concerns)


def concern_label(value: object) -> str:
    return one_of(value, concern_ids(), "none" if value is None else "other")


def authorised(header: str | None, token: str) -> bool:
    """Constant-time check of `Bearer <token>`; never with an empty token."""
    return bool(token) and hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST


def instrument_fastapi(app, service: str, token: str,
                       before_scrape: Callable[[], Awaitable[None]] | None = None,
                       readiness: Callable[[], dict] | None = None) -> None:
    """Count and time every request by route template; serve /metrics behind the token."""
    app.add_middleware(Measured, service=service)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not token:
            return Response(status_code=404)
        if not authorised(request.headers.get("authorization"), token):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if before_scrape is not None:
            await before_scrape()
        if readiness is not None:
            from bot.ops.health import run_checks

            await run_checks(readiness())  # fresh intake_ready_check values
        body, content_type = exposition()
        return Response(body, media_type=content_type)


class Measured:
    """ASGI: counts and times each HTTP request by its route template and status.

    Plain ASGI, not ``@app.middleware("http")`` (Starlette's BaseHTTPMiddleware costs
    ~1-4 ms per request here, issue 17); same labels as before.
    """

    def __init__(self, app, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app starts a response (an exception it does not handle is a 500)

        async def send_noting_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", "<unmatched>")  # set by the router while routing
            if route != "/metrics":
                service = self.service
                REQUESTS.labels(service, scope.get("method", ""), route, str(status)).inc()
                REQUEST_SECONDS.labels(service, route).observe(time.perf_counter() - started)
                if status >= 500:
                    ERRORS.labels(service, "http_5xx").inc()


async def note_model(rasa_url: str, token: str = "") -> None:
    """Set intake_model_info to the model file Rasa serves (its fingerprint name, no data)."""
    import httpx

    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            status = await client.get(f"{rasa_url}/status", params={"token": token} if token else None)
            model_file = status.json().get("model_file") or ""
    except (httpx.HTTPError, ValueError):
        return
    name = model_file.rsplit("/", 1)[-1].removesuffix(".tar.gz")[:80]
    if name:
        MODEL.clear()
        MODEL.labels(name).set(1)
