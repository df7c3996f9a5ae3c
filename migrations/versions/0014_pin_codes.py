"""PIN codes: sites.pin_code and users.home_pin

Added in place with op.add_column (never a batch rebuild: on SQLite that would
drop and recreate sites and users, cascading to their bookings). Sites already
have latitude and longitude, with their both-or-neither check (0005).

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('sites', sa.Column('pin_code', sa.String(length=6), nullable=True))
    op.add_column('users', sa.Column('home_pin', sa.String(length=6), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a plain column in place; neither column is indexed or constrained.
    op.drop_column('users', 'home_pin')
    op.drop_column('sites', 'pin_code')
