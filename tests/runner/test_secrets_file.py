"""var/secrets.env: generated secrets are kept, added to, and readable by the owner only."""

from __future__ import annotations

import stat

from bot.gateway.identity import KEY_VARIABLE
from bot.runner.environment import TOKEN_VARIABLE, internal_token, stored_secret


def test_each_secret_is_generated_once_and_kept_beside_the_others(tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    token = internal_token(tmp_path)
    key = stored_secret(tmp_path, KEY_VARIABLE)
    assert len(token) >= 40 and len(key) >= 40 and token != key
    # Read back, not regenerated; adding the key did not lose the token.
    assert internal_token(tmp_path) == token and stored_secret(tmp_path, KEY_VARIABLE) == key
    path = tmp_path / "secrets.env"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().count(f"{KEY_VARIABLE}=") == 1


def test_the_environment_wins_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, "from-the-operator")
    assert stored_secret(tmp_path, KEY_VARIABLE) == "from-the-operator"
    assert not (tmp_path / "secrets.env").exists()
