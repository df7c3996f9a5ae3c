"""Migrations on a fresh scratch database, both engines: up, no drift, all the way down, up again."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

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


def _before_sites_revision(url: str) -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    return script.get_revision("0005").down_revision


SITE_ROW = ("INSERT INTO sites (slug, name, kind, status, district, town, address, description,"
            " amenities, opening_days, opens_at, closes_at, check_in_time, check_out_time,"
            " advance_days, max_stay_nights, cancel_cutoff_hours, created_at) VALUES"
            " (:slug, :slug, 'centre', 'open', :district, '', '', '', '', '012345', '08:00',"
            " '20:00', '14:00', '11:00', 30, 180, 0, '2026-01-01 00:00:00')")


def _insert_sites(url: str, districts: dict[str, str]) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for slug, district in districts.items():
                connection.execute(text(SITE_ROW), {"slug": slug, "district": district})
    finally:
        engine.dispose()


def test_the_sites_migration_normalises_existing_districts(scratch_url):
    migrate.upgrade(scratch_url, _before_sites_revision(scratch_url))
    _insert_sites(scratch_url, {"a": "Kasargod", "b": " calicut ", "c": "Trivandrum",
                                "d": "Kollam", "e": "ERNAKULAM"})
    migrate.upgrade(scratch_url, "0005")
    engine = create_engine(scratch_url)
    try:
        with engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT slug, district FROM sites")).all())
    finally:
        engine.dispose()
    assert rows == {"a": "Kasaragod", "b": "Kozhikode", "c": "Thiruvananthapuram",
                    "d": "Kollam", "e": "Ernakulam"}


def test_the_email_verification_migration_counts_existing_users_as_verified(scratch_url):
    migrate.upgrade(scratch_url, "0006")
    engine = create_engine(scratch_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (email, name, role, created_at)"
                " VALUES ('old@example.org', 'Old', 'member', '2026-01-01 00:00:00+00')"))
        migrate.upgrade(scratch_url, "0008")
        with engine.connect() as connection:
            verified = connection.execute(text("SELECT email_verified_at FROM users")).scalar()
    finally:
        engine.dispose()
    assert verified is not None


def test_the_sites_migration_names_the_sites_whose_district_it_cannot_place(scratch_url):
    migrate.upgrade(scratch_url, _before_sites_revision(scratch_url))
    _insert_sites(scratch_url, {"good": "Kollam", "odd": "Malabar"})
    with pytest.raises(RuntimeError, match=r"Thiruvananthapuram, Kollam.*odd \('Malabar'\)"):
        migrate.upgrade(scratch_url, "0005")

