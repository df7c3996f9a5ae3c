"""notice preferences: the optional notices each member has turned off; bookings by start day

A new table and an index, so nothing existing is rebuilt. Dropping the table
turns every optional notice back on for everyone. The index serves the
worker's day-before reminders (every site's bookings starting tomorrow).

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notice_opt_outs',
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('topic', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("topic IN ('own_bookings', 'reminders')",
                           name=op.f('ck_notice_opt_outs_topic')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notice_opt_outs_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'topic', name=op.f('pk_notice_opt_outs')),
    )
    op.create_index('ix_bookings_starts_on', 'bookings', ['starts_on'])


def downgrade() -> None:
    op.drop_index('ix_bookings_starts_on', table_name='bookings')
    op.drop_table('notice_opt_outs')
