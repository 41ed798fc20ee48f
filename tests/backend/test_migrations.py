"""Migrations: `upgrade head` builds exactly the schema the ORM models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.backend.db import make_engine
from bot.backend.migrations import upgrade_to_head
from bot.backend.models import Base


def test_upgrade_head_matches_the_models_and_is_repeatable(database_url):
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    upgrade_to_head(engine)  # the second start finds nothing to do
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == "0003"
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
