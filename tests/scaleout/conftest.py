"""Two Rasa servers on deploy/scale-out/endpoints.yml: PostgreSQL tracker store, Redis lock store.

They share the session stack's action server (and through it the backend), each in
a fresh PostgreSQL database created for the module that uses them and dropped afterwards;
they stop when that module ends (two idle Rasa servers, ~1.2 GB, would otherwise stay
up through every later test of the session).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis

from bot.config import PROJECT_ROOT
from bot.runner.environment import RASA_BIN, child_env, free_port, rasa_env
from bot.runner.readiness import rasa_model_loaded
from bot.runner.services import ProcessService, wait_until_ready
from tests.fixtures.postgres import fresh_databases

REDIS_DB = 1
ENDPOINTS = PROJECT_ROOT / "deploy" / "scale-out" / "endpoints.yml"
LOGGING = PROJECT_ROOT / "deploy" / "rasa" / "logging.yml"


@dataclass
class RasaServer:
    name: str
    url: str
    service: ProcessService


@pytest.fixture(scope="module")
def tracker_database() -> Iterator[str]:
    """A fresh PostgreSQL database for the tracker store; its name."""
    with fresh_databases("rasa_tracker") as (name,):
        yield name


@pytest.fixture(scope="session")
def redis_available() -> None:
    """Skip when Redis is not there."""
    try:
        redis.Redis("127.0.0.1", 6379, db=REDIS_DB, socket_timeout=3).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis not reachable on 127.0.0.1:6379 ({type(error).__name__})")


def scale_out_env(stack, database: str) -> dict[str, str]:
    """The variables deploy/scale-out/endpoints.yml names, pointing at this test's stores."""
    return {
        **child_env(stack.settings), **rasa_env(),
        # The atomic Redis lock store, and the project (credentials.yml: bot.rasa_channel).
        "PYTHONPATH": f"{PROJECT_ROOT / 'deploy' / 'rasa'}:{PROJECT_ROOT}",
        "INTAKE_ACTIONS_URL": f"{stack.actions_url}/webhook",
        "INTAKE_TRACKER_DB_HOST": "127.0.0.1", "INTAKE_TRACKER_DB_PORT": "5432",
        "INTAKE_TRACKER_DB_NAME": database, "INTAKE_TRACKER_DB_USER": "postgres", "INTAKE_TRACKER_DB_PASSWORD": "",
        "INTAKE_LOCK_REDIS_HOST": "127.0.0.1", "INTAKE_LOCK_REDIS_PORT": "6379", "INTAKE_LOCK_REDIS_DB": str(REDIS_DB),
    }


def _rasa_server(stack, name: str, env: dict[str, str]) -> RasaServer:
    """One Rasa server exactly as the scale-out README starts it (not yet launched)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        RASA_BIN, "run", "--model", stack.model_path, "--endpoints", ENDPOINTS,
        "--credentials", PROJECT_ROOT / "credentials.yml", "--logging-config-file", LOGGING,
        "--port", port, "--interface", "127.0.0.1", "--enable-api",
    ]  # fmt: skip
    log = stack.var_dir / "log" / f"scaleout-{name}.log"
    service = ProcessService(f"rasa-{name}", command, env, log, lambda: rasa_model_loaded(url), start_timeout_s=300.0)
    return RasaServer(name, url, service)


@pytest.fixture(scope="module")
def rasa_pair(stack, tracker_database, redis_available) -> Iterator[tuple[RasaServer, RasaServer]]:
    """Rasa servers A and B on the shared stores, started side by side."""
    env = scale_out_env(stack, tracker_database)
    servers = (_rasa_server(stack, "a", env), _rasa_server(stack, "b", env))
    try:
        for server in servers:
            server.service.launch()
        for server in servers:
            wait_until_ready(server.service, lambda _s: None)
        yield servers
    finally:
        for server in servers:
            server.service.stop()
