"""Readiness probes: is a service up and able to do its job yet?"""

from __future__ import annotations

import httpx


def http_ok(url: str) -> bool:
    """True when GET url answers 200."""
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def rasa_model_loaded(rasa_url: str, token: str = "") -> bool:
    """True when Rasa's /status reports a loaded model (it answers 409 until then)."""
    try:
        response = httpx.get(f"{rasa_url}/status", params={"token": token} if token else None, timeout=2.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and bool(response.json().get("model_file"))
