"""The console authenticates to Rasa's model API with INTAKE_RASA_TOKEN (setting or var/secrets.env)."""

from __future__ import annotations

from bot.config import Settings
from bot.console.rasa_model import RasaModels, rasa_token


def test_the_token_comes_from_the_environment_first(tmp_path, monkeypatch):
    (tmp_path / "secrets.env").write_text("INTAKE_RASA_TOKEN=from-file\n")
    monkeypatch.setenv("INTAKE_RASA_TOKEN", "from-env")
    assert rasa_token(Settings(var_dir=tmp_path)) == "from-env"


def test_else_from_the_generated_secrets_file(tmp_path, monkeypatch):
    monkeypatch.delenv("INTAKE_RASA_TOKEN", raising=False)
    (tmp_path / "secrets.env").write_text("# generated\nINTAKE_INTERNAL_TOKEN=x\nINTAKE_RASA_TOKEN=from-file\n")
    settings = Settings(var_dir=tmp_path)
    assert rasa_token(settings) == "from-file"
    assert RasaModels(settings)._params() == {"token": "from-file"}


def test_without_a_token_no_parameter_is_sent(tmp_path, monkeypatch):
    monkeypatch.delenv("INTAKE_RASA_TOKEN", raising=False)
    assert RasaModels(Settings(var_dir=tmp_path))._params() == {}
