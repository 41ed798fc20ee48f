"""Fixtures of the console tests: the app on a temporary var/ and a git copy of the project."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.console import accounts
from bot.console.app import create_app
from tests.fixtures.stack import console_project

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def project_template(tmp_path_factory):
    """One git copy of the project per session; each test gets its own copy of it."""
    return console_project(tmp_path_factory.mktemp("template") / "project")


def _make_console(root, template):
    """The console app: its own store, a project copy (git), no Rasa, no backend."""
    project = root / "project"
    shutil.copytree(template, project)
    settings = Settings(var_dir=root / "var", console_project_dir=project, rasa_port=9, backend_port=9)
    app = create_app(settings)
    state = app.state.console
    accounts.add_user(state.store, "anna.editor", PASSWORD, "editor")
    accounts.add_user(state.store, "ben.unit", PASSWORD, "unit", "B2")
    return app


@pytest.fixture
def console(tmp_path, project_template):
    return _make_console(tmp_path, project_template)


@pytest.fixture(scope="module")
def shared_console(tmp_path_factory, project_template):
    """For tests that only read or are refused: one console per module."""
    return _make_console(tmp_path_factory.mktemp("console"), project_template)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def client(app) -> TestClient:
    # https: the session cookie is Secure, so a client over plain http would not send it back.
    return TestClient(app, base_url="https://testserver")


def signed_in(app, name: str, password: str = PASSWORD) -> TestClient:
    c = client(app)
    response = c.post("/login", data={"name": name, "password": password, "csrf": csrf_of(c.get("/login").text)},
                      follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/", response.text
    return c


@pytest.fixture
def editor(console):
    return signed_in(console, "anna.editor")


@pytest.fixture
def unit_user(console):
    return signed_in(console, "ben.unit")


@pytest.fixture(scope="module")
def shared_unit_user(shared_console):
    return signed_in(shared_console, "ben.unit")


@pytest.fixture(scope="module")
def shared_editor(shared_console):
    return signed_in(shared_console, "anna.editor")


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """argon2 with production cost takes ~1 s per hash on a loaded CI machine; the tests
    check the console's logic (test_passwords_are_stored_as_argon2_hashes checks the kind)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
