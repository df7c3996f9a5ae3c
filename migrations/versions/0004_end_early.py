"""bookings ended early: when the rest was given back, and what had been booked

Three nullable columns on bookings (who ended it is the actor of the booking's
'ended' event). Added and dropped in place, never by a batch rebuild: on
SQLite a rebuild drops the old bookings table, and with foreign keys on that
drop deletes every desk cell, bed night and booking event through their
ON DELETE CASCADE (tried on a seeded database: all of them were gone).

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = (
    ('ended_early_at', sa.DateTime(timezone=True)),
    ('original_ends_on', sa.Date()),
    ('original_part', sa.String(length=10)),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column('bookings', sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _type in reversed(COLUMNS):
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE bookings DROP COLUMN {name}')  # SQLite 3.35+
        else:
            op.drop_column('bookings', name)
