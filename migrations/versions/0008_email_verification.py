"""email verification: when a user proved their address is theirs

One nullable column on users, added in place (never a batch rebuild of users:
on SQLite that would delete bookings through their cascades). Everyone who
already has an account counts as verified: they were made by staff, the CLI
or the demo seed, or registered before addresses were checked.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(timezone=True),
                                     nullable=True))
    op.execute('UPDATE users SET email_verified_at = created_at')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE users DROP COLUMN email_verified_at')  # SQLite 3.35+
    else:
        op.drop_column('users', 'email_verified_at')
