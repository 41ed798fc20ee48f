"""Which model Rasa serves, and swapping it without a restart (Rasa's model API, authenticated).

Rasa checks the token given as ``?token=`` (its --auth-token); the console reads it from
INTAKE_RASA_TOKEN or var/secrets.env, where the run command generates it. URLs with
the token are never logged.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from bot.config import Settings
from bot.console.texts import Said

TOKEN_VARIABLE = "INTAKE_RASA_TOKEN"
LOAD_TIMEOUT_S = 300.0  # Rasa loads the new model before it answers


class ModelSwapError(Said, RuntimeError):
    """Rasa did not take the model; the message (a console text) says why (without the token)."""


def rasa_token(settings: Settings) -> str:
    """The Rasa API token: setting, environment, else var/secrets.env; empty when Rasa runs without one."""
    token = getattr(settings, "rasa_token", "") or os.environ.get(TOKEN_VARIABLE, "")
    if token:
        return token
    secrets_file = Path(settings.var_dir) / "secrets.env"
    if secrets_file.exists():
        for line in secrets_file.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == TOKEN_VARIABLE:
                return value.strip()
    return ""


class RasaModels:
    """Talks to the running Rasa server's /status and /model."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.rasa_url.rstrip("/")
        self.settings = settings

    def _params(self) -> dict[str, str]:
        token = rasa_token(self.settings)
        return {"token": token} if token else {}

    def serving(self) -> str | None:
        """The file name of the model Rasa serves now, or None when Rasa does not answer."""
        try:
            response = httpx.get(f"{self.url}/status", params=self._params(), timeout=5.0)
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        return Path(str(response.json().get("model_file") or "")).name or None

    def replace(self, model: Path) -> None:
        """Load ``model`` into the running Rasa (PUT /model); raises ModelSwapError when refused."""
        try:
            response = httpx.put(f"{self.url}/model", params=self._params(),
                                 json={"model_file": str(Path(model).resolve())}, timeout=LOAD_TIMEOUT_S)
        except httpx.HTTPError as error:
            raise ModelSwapError("swap_rasa_silent", reason=type(error).__name__) from None
        if response.status_code == 401 or response.status_code == 403:
            raise ModelSwapError("swap_token_refused")
        if response.status_code >= 300:
            raise ModelSwapError("swap_model_refused", status=response.status_code)
