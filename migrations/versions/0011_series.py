"""weekly desk bookings: booking_series, and bookings.series_id for each occurrence

bookings.series_id is added in place, never by a batch rebuild: on SQLite a
rebuild drops the bookings table and the foreign-key cascades from
desk_cells, bed_nights and booking_events would delete their rows.

SQLite cannot add a foreign-key constraint with ALTER TABLE, but it does
accept ADD COLUMN with a REFERENCES clause when the column's default is
NULL, so both engines get a real foreign key (ON DELETE SET NULL): on
PostgreSQL a named constraint, on SQLite an unnamed inline one.

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'booking_series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('part', sa.String(length=10), nullable=False),
        sa.Column('weekdays', sa.String(length=7), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('all_or_nothing', sa.Boolean(), nullable=False),
        sa.Column('refused_json', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_booking_series_date_order')),
        sa.CheckConstraint("part IN ('morning', 'afternoon', 'full')",
                           name=op.f('ck_booking_series_part')),
        sa.ForeignKeyConstraint(['member_id'], ['users.id'],
                                name=op.f('fk_booking_series_member_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'],
                                name=op.f('fk_booking_series_site_id_sites')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_series')),
    )
    op.create_index('ix_booking_series_member_id_starts_on', 'booking_series',
                    ['member_id', 'starts_on'])
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE bookings ADD COLUMN series_id INTEGER CONSTRAINT'
                   ' fk_bookings_series_id_booking_series'
                   ' REFERENCES booking_series (id) ON DELETE SET NULL')
    else:
        op.add_column('bookings', sa.Column('series_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_bookings_series_id_booking_series'), 'bookings',
                              'booking_series', ['series_id'], ['id'], ondelete='SET NULL')
    op.create_index(op.f('ix_bookings_series_id'), 'bookings', ['series_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_bookings_series_id'), table_name='bookings')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE bookings DROP COLUMN series_id')  # SQLite 3.35+
    else:
        op.drop_constraint(op.f('fk_bookings_series_id_booking_series'), 'bookings',
                           type_='foreignkey')
        op.drop_column('bookings', 'series_id')
    op.drop_index('ix_booking_series_member_id_starts_on', table_name='booking_series')
    op.drop_table('booking_series')
