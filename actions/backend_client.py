"""The action server's client for the routing backend's internal API."""

from __future__ import annotations

import logging

import httpx

from bot.config import get_settings
from bot.models import CaseFollowUp, CaseReceipt, CaseSubmission, FollowUpReceipt, UploadRecord
from bot.ops.logs import outgoing_headers

log = logging.getLogger(__name__)
TIMEOUT = httpx.Timeout(10.0, connect=3.0)
# A submission renders the PDF and may queue behind others on SQLite; a timeout
# is safe (the outbox retries with the same idempotency key) but should be rare.
SUBMIT_TIMEOUT = httpx.Timeout(30.0, connect=3.0)


class BackendUnavailable(Exception):
    """The backend could not be reached or failed (5xx): try again later."""


class BackendUnauthorized(BackendUnavailable):
    """The backend refused our INTAKE_INTERNAL_TOKEN (401/403): an operator's error.

    A subclass of BackendUnavailable on purpose: the client's enquiry is not at fault,
    so it is queued in the outbox and delivered once the operator fixes the token.
    """


class BackendRejected(Exception):
    """The backend refused the submission (4xx): retrying will not help."""


def _headers() -> dict[str, str]:
    return {"X-Internal-Token": get_settings().internal_token, **outgoing_headers()}


async def _request(method: str, path: str, timeout: httpx.Timeout = TIMEOUT, **kwargs) -> httpx.Response:
    try:
        async with httpx.AsyncClient(base_url=get_settings().backend_url, timeout=timeout) as client:
            headers = {**_headers(), **kwargs.pop("headers", {})}
            response = await client.request(method, path, headers=headers, **kwargs)
    except httpx.HTTPError as exc:
        raise BackendUnavailable(type(exc).__name__) from exc
    if response.status_code >= 500:
        raise BackendUnavailable(f"HTTP {response.status_code}")
    if response.status_code in (401, 403):
        # Loud, but only the route template: paths carry conversation ids.
        log.error("OPERATOR ACTION NEEDED: the backend refused INTAKE_INTERNAL_TOKEN (HTTP %d on %s %s); "
                  "the action server and the backend must share the same token. Submissions wait in the outbox.",
                  response.status_code, method, path.split("/by-conversation/")[0])
        raise BackendUnauthorized(f"HTTP {response.status_code}")
    return response


async def submit_case(submission: CaseSubmission) -> CaseReceipt:
    response = await _request(
        "POST", "/internal/cases", timeout=SUBMIT_TIMEOUT,
        content=submission.model_dump_json(), headers={"Content-Type": "application/json"},
    )
    if response.status_code >= 400:
        # The error code says which rule failed; it carries no personal data.
        raise BackendRejected(f"HTTP {response.status_code} {_error_code(response)}")
    return CaseReceipt.model_validate(response.json())


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error"))
    except ValueError:
        return "?"


async def conversation_uploads(conversation_id: str) -> list[UploadRecord]:
    response = await _request("GET", "/internal/uploads", params={"conversation_id": conversation_id})
    if response.status_code >= 400:
        return []
    return [UploadRecord.model_validate(item) for item in response.json()]


async def latest_receipt(conversation_id: str) -> CaseReceipt | None:
    response = await _request("GET", f"/internal/cases/by-conversation/{conversation_id}")
    if response.status_code == 404:
        return None
    if response.status_code >= 400:
        raise BackendRejected(f"HTTP {response.status_code}")
    data = response.json()
    if isinstance(data, list):
        data = data[-1] if data else None
    return CaseReceipt.model_validate(data) if data else None


class FollowUpRefused(Exception):
    """Unknown case number, wrong code or locked case: the backend does not say which."""


class CaseClosed(Exception):
    """The code was right, but the case is closed (a new enquiry is needed)."""


async def add_to_case(follow_up: CaseFollowUp) -> FollowUpReceipt:
    """Add to a case proven by its number and verification code (backend: follow_ups.py)."""
    response = await _request(
        "POST", "/internal/cases/follow-ups", timeout=SUBMIT_TIMEOUT,
        content=follow_up.model_dump_json(), headers={"Content-Type": "application/json"},
    )
    if response.status_code == 404:
        raise FollowUpRefused()
    if response.status_code == 409:
        raise CaseClosed()
    if response.status_code >= 400:
        raise BackendRejected(f"HTTP {response.status_code} {_error_code(response)}")
    return FollowUpReceipt.model_validate(response.json())
