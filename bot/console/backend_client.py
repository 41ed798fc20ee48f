"""The backend's staff API, called with the signed-in unit's own token.

The backend gives every unit its own bearer token (INTAKE_STAFF_TOKENS, else
var/staff_tokens.json) and shows a token only its unit's cases, auditing each access.
The console presents exactly the token of the user's unit, so even a bug in the
console cannot show another unit's case: the backend answers 404.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import httpx

from bot.config import Settings


class BackendUnavailable(RuntimeError):
    """The backend did not answer, or has no token for this unit."""


class BackendClient:
    def __init__(self, settings: Settings, http=httpx) -> None:
        """http: anything with httpx's request(); the tests pass the real backend app's TestClient."""
        self.settings = settings
        self.url = settings.backend_url.rstrip("/")
        self.http = http

    def _token(self, unit: str) -> str:
        configured = self.settings.staff_tokens.strip()
        path = Path(self.settings.var_dir) / "staff_tokens.json"
        try:
            tokens = json.loads(configured) if configured else json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            raise BackendUnavailable("the staff tokens are not readable") from None
        token = tokens.get(unit) if isinstance(tokens, dict) else None
        if not token:
            raise BackendUnavailable(f"the backend has no token for unit {unit}")
        return token

    def _call(self, method: str, unit: str, path: str, **params) -> httpx.Response:
        try:
            response = self.http.request(method, f"{self.url}/staff/api{path}", params=params or None, timeout=15.0,
                                     headers={"Authorization": f"Bearer {self._token(unit)}"})
        except httpx.HTTPError as error:
            raise BackendUnavailable(f"the backend did not answer ({type(error).__name__})") from None
        if response.status_code >= 500 or response.status_code == 401:
            raise BackendUnavailable(f"the backend answered HTTP {response.status_code}")
        return response

    def cases(self, unit: str, status: str | None = None) -> list[dict]:
        return self._call("GET", unit, "/cases", **({"status": status} if status else {})).json()

    def case(self, unit: str, number: str) -> dict | None:
        response = self._call("GET", unit, f"/cases/{quote(number, safe='')}")
        return response.json() if response.status_code == 200 else None

    def done(self, unit: str, number: str) -> bool:
        return self._call("POST", unit, f"/cases/{quote(number, safe='')}/done").status_code == 200

    def file(self, unit: str, number: str, what: str) -> httpx.Response | None:
        """The confirmation PDF (what='confirmation.pdf') or an attachment ('attachments/<id>')."""
        response = self._call("GET", unit, f"/cases/{quote(number, safe='')}/{what}")
        return response if response.status_code == 200 else None
