"""eligibility requests: members ask for women's or men's rooms, staff decide

``users.hostel_eligibility`` stays what a member may book, now set only by
staff; this table holds the member's requests and the decisions on them.
A partial unique index keeps at most one pending request per member.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_table('eligibility_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requested', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("requested IN ('women', 'men')",
                       name=op.f('ck_eligibility_requests_requested')),
    sa.CheckConstraint("status IN ('pending', 'granted', 'refused', 'withdrawn')",
                       name=op.f('ck_eligibility_requests_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                            name=op.f('fk_eligibility_requests_decided_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_eligibility_requests_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_requests'))
    )
    with op.batch_alter_table('eligibility_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_requests_user_id'), ['user_id'],
                              unique=False)
        batch_op.create_index('ix_eligibility_requests_status_requested_at',
                              ['status', 'requested_at'], unique=False)
        batch_op.create_index('uq_eligibility_requests_pending_user_id', ['user_id'],
                              unique=True, sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    op.drop_table('eligibility_requests')
