"""waitlist entries, and bookings.source (member or waitlist)

bookings.source is added in place (never a batch rebuild: on SQLite that
would drop bookings and cascade-delete their cells and history).

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('bookings', sa.Column('source', sa.String(length=10), nullable=False,
                                        server_default='member'))
    op.create_table(
        'waitlist_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=4), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('part', sa.String(length=10), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('waiting', 'filled', 'left', 'expired')",
                           name=op.f('ck_waitlist_entries_status')),
        sa.CheckConstraint("kind IN ('desk', 'bed')", name=op.f('ck_waitlist_entries_kind')),
        sa.CheckConstraint("(kind = 'desk' AND part IN ('morning', 'afternoon', 'full'))"
                           " OR (kind = 'bed' AND part IS NULL)",
                           name=op.f('ck_waitlist_entries_part')),
        sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_waitlist_entries_date_order')),
        sa.ForeignKeyConstraint(['member_id'], ['users.id'],
                                name=op.f('fk_waitlist_entries_member_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'],
                                name=op.f('fk_waitlist_entries_site_id_sites')),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'],
                                name=op.f('fk_waitlist_entries_booking_id_bookings'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries')),
    )
    desk = sa.text("status = 'waiting' AND kind = 'desk'")
    bed = sa.text("status = 'waiting' AND kind = 'bed'")
    op.create_index('uq_waitlist_entries_waiting_desk', 'waitlist_entries',
                    ['member_id', 'site_id', 'starts_on', 'part'], unique=True,
                    sqlite_where=desk, postgresql_where=desk)
    op.create_index('uq_waitlist_entries_waiting_bed', 'waitlist_entries',
                    ['member_id', 'site_id', 'starts_on', 'ends_on'], unique=True,
                    sqlite_where=bed, postgresql_where=bed)
    op.create_index('ix_waitlist_entries_site_id_status_starts_on', 'waitlist_entries',
                    ['site_id', 'status', 'starts_on'])
    op.create_index('ix_waitlist_entries_member_id_status', 'waitlist_entries',
                    ['member_id', 'status'])


def downgrade() -> None:
    op.drop_table('waitlist_entries')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE bookings DROP COLUMN source')  # SQLite 3.35+
    else:
        op.drop_column('bookings', 'source')
