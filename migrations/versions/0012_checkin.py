"""check-in and no-show release: bookings.checked_in_at, status 'no_show', the sites' rule

Columns are added in place (never a batch rebuild: on SQLite that drops the old
bookings table and its ON DELETE CASCADE deletes every cell and event).

The bookings status CHECK gains 'no_show'. PostgreSQL drops and re-creates the
constraint. SQLite cannot alter a constraint, so its stored CREATE TABLE text
is edited in place, the procedure SQLite documents for changes that do not
touch stored rows ("Making Other Kinds Of Table Schema Changes", lang_altertable:
writable_schema, then bump schema_version). Allowing one more value cannot make
an existing row invalid.

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD_STATUS = "status IN ('live', 'cancelled')"
NEW_STATUS = "status IN ('live', 'cancelled', 'no_show')"
SITE_COLUMNS = {
    'no_show_after_minutes': 'no_show_after_minutes IS NULL OR no_show_after_minutes >= 1',
    'no_show_limit_days': 'no_show_limit_days IS NULL OR no_show_limit_days >= 0',
}


def _sqlite_replace_check(old: str, new: str) -> None:
    bind = op.get_bind()
    sql = bind.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'bookings'")).scalar_one()
    if old not in sql:
        raise RuntimeError(f"bookings has no CHECK ({old}) to replace")
    version = bind.execute(sa.text('PRAGMA schema_version')).scalar_one()
    bind.execute(sa.text('PRAGMA writable_schema = ON'))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table'"
                         " AND name = 'bookings'"), {"sql": sql.replace(old, new)})
    bind.execute(sa.text(f'PRAGMA schema_version = {int(version) + 1}'))
    bind.execute(sa.text('PRAGMA writable_schema = OFF'))


def _replace_status_check(old: str, new: str) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_replace_check(old, new)
    else:
        op.drop_constraint(op.f('ck_bookings_status'), 'bookings', type_='check')
        op.create_check_constraint(op.f('ck_bookings_status'), 'bookings', new)


def upgrade() -> None:
    op.add_column('bookings', sa.Column('checked_in_at', sa.DateTime(timezone=True),
                                        nullable=True))
    _replace_status_check(OLD_STATUS, NEW_STATUS)
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, rule in SITE_COLUMNS.items():
        if sqlite:  # SQLite takes a CHECK only as part of ADD COLUMN
            op.execute(f'ALTER TABLE sites ADD COLUMN {name} INTEGER'
                       f' CONSTRAINT ck_sites_{name} CHECK ({rule})')
        else:
            op.add_column('sites', sa.Column(name, sa.Integer(), nullable=True))
            op.create_check_constraint(op.f(f'ck_sites_{name}'), 'sites', rule)


def downgrade() -> None:
    # No-shows become cancellations (the record stays) so the old CHECK holds again.
    op.execute("UPDATE bookings SET status = 'cancelled' WHERE status = 'no_show'")
    _replace_status_check(NEW_STATUS, OLD_STATUS)
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name in reversed(SITE_COLUMNS):
        if sqlite:
            op.execute(f'ALTER TABLE sites DROP COLUMN {name}')  # SQLite 3.35+
        else:
            op.drop_column('sites', name)
    if sqlite:
        op.execute('ALTER TABLE bookings DROP COLUMN checked_in_at')
    else:
        op.drop_column('bookings', 'checked_in_at')
