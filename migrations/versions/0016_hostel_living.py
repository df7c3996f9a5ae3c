"""hostel living (issue 17): monthly stays, moves, tariffs, payments, resident register

Columns on sites and bookings are added in place (never a batch rebuild: on
SQLite that drops the old bookings table and its ON DELETE CASCADE deletes
every cell and event). SQLite takes a CHECK only as part of ADD COLUMN, so
there each column is added with its CHECK in one raw ALTER TABLE (as 0012);
PostgreSQL adds the column, then the constraint.

- sites: stay_kinds, min_months, notice_days, longest_stay_months,
  register_retention_days (existing hostels offer nightly stays only, as before).
- bookings: stay_kind ('nightly' for every existing booking), months,
  notice_given_on, departed_at. Arrival is the existing checked_in_at.
- booking_moves: the history of a stay's moves between beds.
- tariffs, payments: money in integer paise. Payments are append-only: a
  trigger on each engine refuses an UPDATE of anything a receipt says (only
  member_id / recorded_by_id may become NULL, when an account is deleted).
- register_entries, policy_acceptances: the resident register and the house
  rules / privacy notice each member accepted.

Revision ID: 0016
Revises: 0015
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None

# (column, SQL type, NOT NULL DEFAULT or None, CHECK name, CHECK) in the order added.
SITE_COLUMNS = (
    ('stay_kinds', 'VARCHAR(20)', "'nightly'", 'stay_kinds',
     "stay_kinds IN ('nightly', 'monthly', 'nightly,monthly')"),
    ('min_months', 'INTEGER', '1', 'min_months', 'min_months >= 1'),
    ('notice_days', 'INTEGER', '30', 'notice_days', 'notice_days >= 0'),
    ('longest_stay_months', 'INTEGER', '12', 'longest_stay_months', 'longest_stay_months >= 1'),
    ('register_retention_days', 'INTEGER', '180', 'register_retention_days',
     'register_retention_days >= 0'),
)
BOOKING_COLUMNS = (
    ('stay_kind', 'VARCHAR(10)', "'nightly'", 'stay_kind', "stay_kind IN ('nightly', 'monthly')"),
    # Named on stay_kind's column on SQLite; a second constraint there.
    ('months', 'INTEGER', None, 'months',
     "months IS NULL OR (months >= 1 AND stay_kind = 'monthly')"),
    ('notice_given_on', 'DATE', None, 'notice', "notice_given_on IS NULL OR stay_kind = 'monthly'"),
    ('departed_at', 'DATETIME', None, None, None),
)
MONTHLY_IS_BED = "stay_kind = 'nightly' OR bed_id IS NOT NULL"
SA_TYPES = {'VARCHAR(20)': sa.String(length=20), 'VARCHAR(10)': sa.String(length=10),
            'INTEGER': sa.Integer(), 'DATE': sa.Date(), 'DATETIME': sa.DateTime(timezone=True)}

# What a receipt says; only the two user references may change (ON DELETE SET NULL).
RECEIPT_COLUMNS = ('site_id, booking_id, receipt_no, amount_paise, paid_on, mode, reference,'
                   ' kind, reverses_id, note, recorded_at')
APPEND_ONLY = 'payments are append-only: record a reversal instead'


def _add_columns(table: str, columns) -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, sql_type, default, check_name, check in columns:
        if sqlite:
            sql = f'ALTER TABLE {table} ADD COLUMN {name} {sql_type}'
            if default is not None:
                sql += f' NOT NULL DEFAULT {default}'
            if check is not None:
                sql += f' CONSTRAINT ck_{table}_{check_name} CHECK ({check})'
            if table == 'bookings' and name == 'stay_kind':
                sql += f' CONSTRAINT ck_bookings_monthly_is_bed CHECK ({MONTHLY_IS_BED})'
            op.execute(sql)
            continue
        op.add_column(table, sa.Column(
            name, SA_TYPES[sql_type], nullable=default is None,
            server_default=sa.text(default) if default is not None else None))
        if check is not None:
            op.create_check_constraint(op.f(f'ck_{table}_{check_name}'), table, check)
        if table == 'bookings' and name == 'stay_kind':
            op.create_check_constraint(op.f('ck_bookings_monthly_is_bed'), table,
                                       MONTHLY_IS_BED)


def _drop_columns(table: str, columns) -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, *_ in reversed(columns):
        if sqlite:
            op.execute(f'ALTER TABLE {table} DROP COLUMN {name}')  # SQLite 3.35+
        else:
            op.drop_column(table, name)  # its CHECKs go with it


def _user_fk(column: str, table: str):
    return sa.ForeignKeyConstraint([column], ['users.id'],
                                   name=op.f(f'fk_{table}_{column}_users'), ondelete='SET NULL')


def upgrade() -> None:
    _add_columns('sites', SITE_COLUMNS)
    _add_columns('bookings', BOOKING_COLUMNS)

    op.create_table(
        'booking_moves',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('from_bed_id', sa.Integer(), nullable=False),
        sa.Column('to_bed_id', sa.Integer(), nullable=False),
        sa.Column('from_on', sa.Date(), nullable=False),
        sa.Column('moved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('moved_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=200), server_default='', nullable=False),
        sa.CheckConstraint('to_bed_id <> from_bed_id', name=op.f('ck_booking_moves_other_bed')),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'],
                                name=op.f('fk_booking_moves_booking_id_bookings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['from_bed_id'], ['beds.id'],
                                name=op.f('fk_booking_moves_from_bed_id_beds')),
        sa.ForeignKeyConstraint(['to_bed_id'], ['beds.id'],
                                name=op.f('fk_booking_moves_to_bed_id_beds')),
        _user_fk('moved_by_id', 'booking_moves'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_moves')),
    )
    op.create_index(op.f('ix_booking_moves_booking_id'), 'booking_moves', ['booking_id'])

    op.create_table(
        'tariffs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('per_night_paise', sa.Integer(), nullable=False),
        sa.Column('per_month_paise', sa.Integer(), nullable=False),
        sa.Column('deposit_paise', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('per_night_paise >= 0', name=op.f('ck_tariffs_per_night_paise')),
        sa.CheckConstraint('per_month_paise >= 0', name=op.f('ck_tariffs_per_month_paise')),
        sa.CheckConstraint('deposit_paise >= 0', name=op.f('ck_tariffs_deposit_paise')),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_tariffs_site_id_sites')),
        _user_fk('created_by_id', 'tariffs'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tariffs')),
        sa.UniqueConstraint('site_id', 'effective_from',
                            name=op.f('uq_tariffs_site_id_effective_from')),
    )

    op.create_table(
        'payments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('receipt_no', sa.Integer(), nullable=False),
        sa.Column('amount_paise', sa.Integer(), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('reference', sa.String(length=100), server_default='', nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('reverses_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=200), server_default='', nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('receipt_no >= 1', name=op.f('ck_payments_receipt_no')),
        sa.CheckConstraint('amount_paise <> 0', name=op.f('ck_payments_amount_nonzero')),
        sa.CheckConstraint("mode IN ('cash', 'upi', 'bank')", name=op.f('ck_payments_mode')),
        sa.CheckConstraint("kind IN ('payment', 'refund', 'reversal')",
                           name=op.f('ck_payments_kind')),
        sa.CheckConstraint("(kind = 'payment' AND amount_paise > 0)"
                           " OR (kind = 'refund' AND amount_paise < 0)"
                           " OR kind = 'reversal'", name=op.f('ck_payments_sign')),
        sa.CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)",
                           name=op.f('ck_payments_reverses')),
        sa.CheckConstraint('reverses_id IS NULL OR reverses_id <> id',
                           name=op.f('ck_payments_not_itself')),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_payments_site_id_sites')),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'],
                                name=op.f('fk_payments_booking_id_bookings')),
        _user_fk('member_id', 'payments'),
        sa.ForeignKeyConstraint(['reverses_id'], ['payments.id'],
                                name=op.f('fk_payments_reverses_id_payments')),
        _user_fk('recorded_by_id', 'payments'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
        sa.UniqueConstraint('site_id', 'receipt_no', name=op.f('uq_payments_site_id_receipt_no')),
        sa.UniqueConstraint('reverses_id', name=op.f('uq_payments_reverses_id')),
    )
    op.create_index('ix_payments_booking_id', 'payments', ['booking_id'])
    op.create_index('ix_payments_site_id_paid_on', 'payments', ['site_id', 'paid_on'])
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"CREATE TRIGGER trg_payments_append_only BEFORE UPDATE OF {RECEIPT_COLUMNS}"
                   f" ON payments BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")
    else:
        # SQLSTATE 23000 (integrity constraint violation), as SQLite's ABORT: both raise
        # IntegrityError in SQLAlchemy.
        op.execute(f"""
            CREATE FUNCTION payments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = '23000';
            END $$""")
        op.execute(f"CREATE TRIGGER trg_payments_append_only BEFORE UPDATE OF {RECEIPT_COLUMNS}"
                   " ON payments FOR EACH ROW EXECUTE FUNCTION payments_append_only()")

    four_digits = ' AND '.join(f"substr(id_last4, {i}, 1) BETWEEN '0' AND '9'"
                               for i in range(1, 5))
    personal = ('full_name', 'phone', 'employer', 'emergency_contact_name',
                'emergency_contact_phone', 'id_document_type', 'id_last4')
    op.create_table(
        'register_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('full_name', sa.String(length=120), nullable=True),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('employer', sa.String(length=160), nullable=True),
        sa.Column('emergency_contact_name', sa.String(length=120), nullable=True),
        sa.Column('emergency_contact_phone', sa.String(length=20), nullable=True),
        sa.Column('id_document_type', sa.String(length=20), nullable=True),
        sa.Column('id_last4', sa.String(length=4), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f'id_last4 IS NULL OR (length(id_last4) = 4 AND {four_digits})',
                           name=op.f('ck_register_entries_id_last4')),
        sa.CheckConstraint("id_document_type IS NULL OR id_document_type IN"
                           " ('aadhaar', 'passport', 'driving_licence', 'voter_id', 'pan',"
                           " 'employee_id')",
                           name=op.f('ck_register_entries_id_document_type')),
        sa.CheckConstraint("(erased_at IS NULL AND full_name IS NOT NULL) OR (erased_at IS NOT"
                           " NULL AND " + ' AND '.join(f'{c} IS NULL' for c in personal) + ')',
                           name=op.f('ck_register_entries_erased')),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'],
                                name=op.f('fk_register_entries_booking_id_bookings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'],
                                name=op.f('fk_register_entries_site_id_sites')),
        _user_fk('recorded_by_id', 'register_entries'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entries')),
        sa.UniqueConstraint('booking_id', name=op.f('uq_register_entries_booking_id')),
    )
    op.create_index(op.f('ix_register_entries_site_id'), 'register_entries', ['site_id'])

    op.create_table(
        'policy_acceptances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('document', sa.String(length=20), nullable=False),
        sa.Column('version', sa.String(length=20), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("document IN ('house_rules', 'privacy_notice')",
                           name=op.f('ck_policy_acceptances_document')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_policy_acceptances_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_acceptances')),
        sa.UniqueConstraint('user_id', 'document', 'version',
                            name=op.f('uq_policy_acceptances_user_id_document_version')),
    )


def downgrade() -> None:
    op.drop_table('policy_acceptances')
    op.drop_table('register_entries')
    if op.get_bind().dialect.name != 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS trg_payments_append_only ON payments')
        op.execute('DROP FUNCTION IF EXISTS payments_append_only()')
    op.drop_table('payments')  # on SQLite its trigger goes with it
    op.drop_table('tariffs')
    op.drop_table('booking_moves')
    _drop_columns('bookings', BOOKING_COLUMNS)
    _drop_columns('sites', SITE_COLUMNS)
