"""Alembic environment: the only way the schema is made, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import context

from booking.db import make_engine
from booking.models import Base
from booking.models.base import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Migrations spell our UTC type as the plain column type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _is_inline_sqlite_fk(obj, type_, dialect_name: str) -> bool:
    """bookings.series_id's foreign key, added by ALTER TABLE on SQLite (migration 0011).

    SQLite keeps it inline on the column, and SQLAlchemy reflects such a key
    without its name or ON DELETE, so autogenerate would see a difference
    that is not there. It exists and is enforced; nothing to compare.
    """
    return (dialect_name == "sqlite" and type_ == "foreign_key_constraint"
            and obj.table.name == "bookings" and [c.name for c in obj.columns] == ["series_id"])


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                # SQLite cannot ALTER most things; batch mode rebuilds tables.
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
                render_item=render_item,
                include_object=lambda obj, _name, type_, _reflected, _other:
                    not _is_inline_sqlite_fk(obj, type_, connection.dialect.name),
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        # Also when a migration fails: a pooled connection left open is closed only
        # by the garbage collector, with a ResourceWarning in whatever runs then.
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
