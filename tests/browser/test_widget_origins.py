"""CORS for office pages on other origins (INTAKE_WIDGET_ORIGINS), on the real gateway app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.gateway.app import create_app
from bot.gateway.widget import embedding_origins

OFFICE = "https://www.office.example"


def gateway(tmp_path, origins: str) -> TestClient:
    """The gateway app (no lifespan: nothing here reaches Rasa)."""
    return TestClient(create_app(Settings(var_dir=tmp_path, widget_origins=origins)))


def preflight(client: TestClient, path: str, origin: str):
    """What a browser asks before the widget's JSON or multipart POST."""
    return client.options(path, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/api/uploads"])
def test_configured_office_origin_may_post(tmp_path, path):
    """The office's origin passes the preflight for both APIs, without credentials."""
    answer = preflight(gateway(tmp_path, f"{OFFICE}/, https://other.example"), path, OFFICE)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == OFFICE
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in answer.headers


def test_other_origins_get_no_permission(tmp_path):
    """An origin not in the list, or any origin when none is configured, gets no CORS header."""
    refused = preflight(gateway(tmp_path, OFFICE), "/webhooks/rest/webhook", "https://evil.example")
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    unconfigured = preflight(gateway(tmp_path, ""), "/webhooks/rest/webhook", OFFICE)
    assert "access-control-allow-origin" not in unconfigured.headers


def test_error_answers_stay_readable_for_the_widget(tmp_path):
    """A refused upload's explanation (400) carries the CORS header, so the widget can show it."""
    client = gateway(tmp_path, OFFICE)
    answer = client.post("/api/uploads", data={"language": "en"}, headers={"Origin": OFFICE})
    assert answer.status_code == 400 and "field" in answer.json()["detail"]
    assert answer.headers["access-control-allow-origin"] == OFFICE


@pytest.mark.parametrize("value", ["*", "www.office.example", "https://office.example/contact", "ftp://x.example"])
def test_malformed_origins_stop_the_gateway_from_starting(value):
    """A typo in the setting fails loudly instead of silently allowing nothing (or everything)."""
    with pytest.raises(ValueError, match="INTAKE_WIDGET_ORIGINS"):
        embedding_origins(value)


def test_origins_are_normalised():
    assert embedding_origins(" https://WWW.Office.example/ ,http://localhost:8080") == [
        "https://www.office.example", "http://localhost:8080",
    ]


@pytest.mark.parametrize("path, method", [("/api/uploads", "POST"), ("/downloads/" + "t" * 43, "GET")])
def test_office_origin_may_name_the_conversation_in_a_header(tmp_path, path, method):
    """The widget sends its conversation id as X-Conversation (never in a URL): the preflight allows it."""
    answer = gateway(tmp_path, OFFICE).options(path, headers={
        "Origin": OFFICE, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "x-conversation",
    })
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == OFFICE
    assert "x-conversation" in answer.headers["access-control-allow-headers"].lower()
    assert method in answer.headers["access-control-allow-methods"]
