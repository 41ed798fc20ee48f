"""Client for the gateway's internal Telegram routes (bot/gateway/internal.py).

Every request carries the shared service token and names its chat by the chat id;
the gateway alone turns that into the conversation's internal id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.backend.errors import error_code

# Rasa and the action server may submit a case and render a PDF within one turn.
MESSAGE_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
# Scanning a 10 MB file takes well under a second; leave room for a busy clamd.
UPLOAD_TIMEOUT = httpx.Timeout(120.0, connect=5.0)
# Only links under this path are fetched, so a payload can never make us fetch elsewhere.
DOWNLOAD_PREFIX = "/downloads/"
ROUTES = "/internal/telegram"


class GatewayUnavailable(Exception):
    """The gateway could not be reached or answered with something unusable."""


class ConfirmationPending(GatewayUnavailable):
    """The confirmation PDF is still being rendered (503 pdf_pending): ask again after retry_after s."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("confirmation pending")
        self.retry_after = retry_after


# Retry-After of a pending PDF, in seconds: the gateway's value within these bounds.
RETRY_AFTER_DEFAULT_S, RETRY_AFTER_MAX_S = 2.0, 60.0


@dataclass
class UploadOutcome:
    """What the gateway said about one uploaded file."""

    accepted: bool
    code: str
    messages: list[dict[str, Any]] = field(default_factory=list)


class GatewayClient:
    """Talks to the gateway: chat messages, uploads and confirmation downloads."""

    def __init__(self, base_url: str, internal_token: str, transport: httpx.AsyncBaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self.base_url, transport=transport, headers={"X-Internal-Token": internal_token}
        )

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self._client.aclose()

    async def send_message(self, chat_id: int, text: str, language: str) -> list[dict[str, Any]]:
        """Posts one user message and returns the assistant's messages."""
        body = {
            "chat_id": chat_id,
            "message": text,
            "metadata": {"language": language, "channel": "telegram"},
        }
        try:
            response = await self._client.post(
                f"{ROUTES}/messages", json=body, timeout=MESSAGE_TIMEOUT
            )
        except httpx.HTTPError as exc:
            raise GatewayUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            # A 503 still carries the gateway's bilingual notice; show it when there is one.
            notices = _message_list(response, strict=False)
            if not notices:
                raise GatewayUnavailable(f"chat answered {response.status_code}")
            return notices
        return _message_list(response)

    async def upload(
        self, chat_id: int, filename: str, data: bytes, content_type: str, language: str
    ) -> UploadOutcome:
        """Posts one file; refusals (4xx, 503 when scanning is down) come back as outcomes."""
        try:
            response = await self._client.post(
                f"{ROUTES}/uploads",
                data={"chat_id": str(chat_id), "language": language},
                files={"file": (filename, data, content_type)},
                timeout=UPLOAD_TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise GatewayUnavailable(type(exc).__name__) from exc
        try:
            body = response.json()
        except ValueError as exc:
            raise GatewayUnavailable(f"upload answered {response.status_code}") from exc
        if not isinstance(body, dict) or (response.status_code >= 500 and not body.get("messages")):
            raise GatewayUnavailable(f"upload answered {response.status_code}")
        messages = body.get("messages") or []
        return UploadOutcome(
            accepted=bool(body.get("accepted")) and response.status_code < 400,
            code=str(body.get("code", response.status_code)),
            messages=[m for m in messages if isinstance(m, dict)],
        )

    async def download(self, url: str, chat_id: int) -> bytes:
        """Fetches a confirmation document by its gateway-relative link, as this chat."""
        path = url.split("?", 1)[0]
        if not path.startswith(DOWNLOAD_PREFIX) or ".." in path:
            raise GatewayUnavailable("refused a download link outside /downloads/")
        try:
            # The chat id lets the gateway check that the link belongs to this conversation.
            response = await self._client.get(
                f"{ROUTES}{path}", headers={"X-Telegram-Chat": str(chat_id)}, timeout=MESSAGE_TIMEOUT
            )
        except httpx.HTTPError as exc:
            raise GatewayUnavailable(type(exc).__name__) from exc
        if response.status_code == 503 and error_code(response) == "pdf_pending":
            raise ConfirmationPending(_retry_after(response))
        if response.status_code != 200:
            raise GatewayUnavailable(f"download answered {response.status_code}")
        return response.content


def _retry_after(response: httpx.Response) -> float:
    """Retry-After in seconds (delta form only; the default when absent or unusable)."""
    try:
        seconds = float(response.headers.get("retry-after", ""))
    except ValueError:
        return RETRY_AFTER_DEFAULT_S
    return min(max(seconds, 0.0), RETRY_AFTER_MAX_S) if seconds == seconds else RETRY_AFTER_DEFAULT_S


def _message_list(response: httpx.Response, strict: bool = True) -> list[dict[str, Any]]:
    """Parses the REST channel's answer, a JSON list of messages ([] if not strict and unusable)."""
    try:
        body = response.json()
    except ValueError as exc:
        if not strict:
            return []
        raise GatewayUnavailable("chat answered no JSON") from exc
    if not isinstance(body, list):
        if not strict:
            return []
        raise GatewayUnavailable("chat answered no list")
    return [m for m in body if isinstance(m, dict)]
