"""site revisions kept by triggers

A per-site revision number that the database itself bumps, in the same
transaction, whenever anything availability is computed from changes: desk
cells, bed nights, desks, rooms, beds, closures. The API's availability
cache is keyed by it, so it needs no hooks in the booking services and can
never serve stale counts.

PostgreSQL: statement-level triggers with transition tables (one upsert per
site per statement, so bulk loads stay cheap). SQLite: row-level triggers.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TABLES = ("desk_cells", "bed_nights", "desks", "rooms", "beds", "closures")

# Each bump adds 1 plus a random 31-bit step: revisions only grow, and a
# revision number seen once never comes back with other facts after a rolled
# back transaction or a restored backup (a plain counter would repeat).
SQLITE_STEP = "(1 + abs(random() % 2147483648))"
PG_STEP = "(1 + floor(random() * 2147483648)::bigint)"
SQLITE_BUMP = (
    "INSERT INTO site_revisions (site_id, revision) VALUES ({row}.site_id, %s)"
    " ON CONFLICT (site_id) DO UPDATE SET revision = revision + %s;" % (SQLITE_STEP, SQLITE_STEP)
)

PG_FUNCTIONS = {
    "insert": "SELECT DISTINCT site_id FROM new_rows",
    "delete": "SELECT DISTINCT site_id FROM old_rows",
    "update": "SELECT site_id FROM new_rows UNION SELECT site_id FROM old_rows",
}
PG_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
    "update": "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows",
}


def _sqlite_upgrade() -> None:
    for table in TABLES:
        for event, rows in (("insert", ("NEW",)), ("delete", ("OLD",)), ("update", ("NEW", "OLD"))):
            body = " ".join(SQLITE_BUMP.format(row=row) for row in rows)
            op.execute(
                f"CREATE TRIGGER trg_{table}_{event}_site_revision AFTER {event.upper()}"
                f" ON {table} FOR EACH ROW BEGIN {body} END"
            )


def _pg_upgrade() -> None:
    for event, source in PG_FUNCTIONS.items():
        op.execute(f"""
            CREATE FUNCTION bump_site_revision_on_{event}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO site_revisions (site_id, revision)
                SELECT site_id, {PG_STEP} FROM ({source}) AS touched
                ON CONFLICT (site_id) DO UPDATE SET revision = site_revisions.revision + {PG_STEP};
                RETURN NULL;
            END $$
        """)
    for table in TABLES:
        for event in PG_FUNCTIONS:
            op.execute(
                f"CREATE TRIGGER trg_{table}_{event}_site_revision AFTER {event.upper()}"
                f" ON {table} {PG_REFERENCING[event]}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION bump_site_revision_on_{event}()"
            )


def upgrade() -> None:
    op.create_table('site_revisions',
    sa.Column('site_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_site_revisions'))
    )
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    for table in TABLES:
        for event in PG_FUNCTIONS:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_{event}_site_revision"
                       + (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        for event in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS bump_site_revision_on_{event}()")
    op.drop_table('site_revisions')
