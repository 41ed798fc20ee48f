"""Alembic migrations of the backend database; ``upgrade_to_head`` runs them at startup."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(url: str) -> Config:
    """An Alembic config for this package, without an alembic.ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema of ``engine``'s database to the newest revision."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


_MIGRATING = threading.Lock()  # Alembic's migration context is one per process


@lru_cache(maxsize=4)
def migrated_columns(table: str) -> dict[str, tuple[str, bool]]:
    """Column -> (SQL type as SQLite reports it, nullable) of ``table`` as the migrations build it,
    in a throw-away in-memory database (the staff check compares content/fields.yml with it;
    once per process)."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        with _MIGRATING:
            upgrade_to_head(engine)
        return {c["name"]: (str(c["type"]), bool(c["nullable"])) for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()
