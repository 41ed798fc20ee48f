"""The whole product under the shared `stack` fixture: every service up, on loopback, restartable."""

from __future__ import annotations

import socket
import subprocess

import httpx
import pytest

from bot.runner import SERVICE_ORDER
from tests.e2e.chat import new_sender

pytestmark = pytest.mark.slow


def non_loopback_address() -> str | None:
    """One of this machine's own non-loopback IPv4 addresses, if it has any."""
    output = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return next((address for address in output if "." in address and not address.startswith("127.")), None)


def test_every_service_answers(stack):
    assert httpx.get(f"{stack.gateway_url}/health").status_code == 200
    assert httpx.get(f"{stack.backend_url}/health").status_code == 200
    assert httpx.get(f"{stack.actions_url}/health").status_code == 200
    status = httpx.get(f"{stack.rasa_url}/status", params={"token": stack.settings.rasa_token}).json()
    assert status["model_file"].endswith(".tar.gz")
    assert stack.services["clamd"].is_running()
    assert set(stack.services) == set(SERVICE_ORDER) - {"telegram"}


def test_each_service_logs_to_its_own_file(stack):
    for name in stack.services:
        path = stack.log_path(name)
        assert path.is_file() and path.stat().st_size > 0, name
        assert str(stack.var_dir) in str(path)


def test_every_child_gets_the_stack_settings_and_token(stack):
    for name, service in stack.services.items():
        if name == "clamd":
            continue
        environ = dict(
            item.split("=", 1)
            for item in open(f"/proc/{service.process.pid}/environ", "rb").read().decode().split("\0")
            if "=" in item
        )
        assert environ["INTAKE_INTERNAL_TOKEN"] == stack.settings.internal_token, name
        assert environ["INTAKE_VAR_DIR"] == str(stack.var_dir), name


@pytest.mark.parametrize("port_name", ["gateway_port", "backend_port", "actions_port", "rasa_port", "console_port"])
def test_services_listen_on_loopback_only(stack, port_name):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError):
        socket.create_connection((address, getattr(stack.settings, port_name)), timeout=2).close()


@pytest.mark.parametrize("name", ["backend", "actions", "clamd"])
def test_a_service_can_be_stopped_and_started_again(stack, name):
    stack.stop_service(name)
    try:
        if name == "clamd":
            assert not stack.settings.clamd_socket.exists()
        else:
            url = stack.backend_url if name == "backend" else stack.actions_url
            with pytest.raises(httpx.HTTPError):
                httpx.get(f"{url}/health", timeout=2)
    finally:
        stack.start_service(name)
    assert stack.services[name].is_running()


def test_the_chat_api_answers_through_rasa(stack):
    response = httpx.post(
        f"{stack.gateway_url}/webhooks/rest/webhook",
        json={"sender": new_sender(), "message": "Hallo", "metadata": {"language": "de"}},
        timeout=30,
    )
    assert response.status_code == 200
    messages = response.json()
    assert isinstance(messages, list) and messages, "Rasa answered nothing"
    assert (stack.var_dir / "tracker.sqlite3").stat().st_size > 0, "Rasa's tracker store is not in var/"
