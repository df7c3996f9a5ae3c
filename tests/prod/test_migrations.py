"""Migrations on a fresh scratch database, both engines: up, no drift, all the way down, up again."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect

from booking import migrate
from booking.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    else:
        yield request.getfixturevalue("scratch_pg_url")


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_go_up_and_down_and_up_again_without_drift(scratch_url):
    model_tables = set(Base.metadata.tables)

    migrate.upgrade(scratch_url, "head")
    assert _tables(scratch_url) == model_tables
    migrate.check(scratch_url)  # raises if the models have changes no migration describes

    migrate.downgrade(scratch_url, "base")
    assert _tables(scratch_url) == set()

    migrate.upgrade(scratch_url, "head")
    assert _tables(scratch_url) == model_tables
    migrate.check(scratch_url)


def test_each_migration_steps_down_and_back_up_on_its_own(scratch_url):
    migrate.upgrade(scratch_url, "head")
    script = migrate.alembic_config(scratch_url)
    from alembic.script import ScriptDirectory

    revisions = list(ScriptDirectory.from_config(script).walk_revisions())
    for _ in revisions:
        migrate.downgrade(scratch_url, "-1")
    assert _tables(scratch_url) == set()
    for _ in revisions:
        migrate.upgrade(scratch_url, "+1")
    migrate.check(scratch_url)
