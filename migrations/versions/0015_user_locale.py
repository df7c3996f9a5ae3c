"""users.locale: the language a member chose (en or ml)

Added in place (never a batch rebuild: on SQLite that would drop users' dependants).

Revision ID: 0015
Revises: 0014
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('locale', sa.String(length=5), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE users DROP COLUMN locale')  # SQLite 3.35+, no rebuild
    else:
        op.drop_column('users', 'locale')
