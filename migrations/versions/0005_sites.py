"""sites: where and who (coordinates, phone, email), Kerala's 14 districts, photos

Existing districts are normalised to the official spelling of one of Kerala's
14 districts (Kasargod -> Kasaragod, Trivandrum -> Thiruvananthapuram, ...);
a district that matches none stops the upgrade with the sites to fix.

The district and coordinate rules are CHECK constraints on PostgreSQL. SQLite
cannot add a CHECK to an existing table without rebuilding it, and rebuilding
`sites` with foreign keys on would cascade-delete every desk, room and booking
(DROP TABLE runs an implicit DELETE), so there the same rules are BEFORE
INSERT/UPDATE triggers. A later SQLite batch rebuild of `sites` must re-create
them (SQLite drops a table's triggers with it).

Photos live in the database (`site_photos`, the resized JPEG bytes): every
gunicorn worker sees them and a backup holds them.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# A copy, not an import: this migration must mean the same thing forever.
DISTRICTS = (
    "Thiruvananthapuram", "Kollam", "Pathanamthitta", "Alappuzha", "Kottayam", "Idukki",
    "Ernakulam", "Thrissur", "Palakkad", "Malappuram", "Kozhikode", "Wayanad", "Kannur",
    "Kasaragod",
)
ALIASES = {
    "trivandrum": "Thiruvananthapuram", "tvm": "Thiruvananthapuram",
    "thiruvanathapuram": "Thiruvananthapuram", "quilon": "Kollam",
    "pathanamthita": "Pathanamthitta", "alleppey": "Alappuzha", "alapuzha": "Alappuzha",
    "kottyam": "Kottayam", "cochin": "Ernakulam", "kochi": "Ernakulam",
    "ernakulum": "Ernakulam", "trichur": "Thrissur", "thrisur": "Thrissur",
    "palghat": "Palakkad", "palakad": "Palakkad", "malapuram": "Malappuram",
    "calicut": "Kozhikode", "kozhicode": "Kozhikode", "wynad": "Wayanad",
    "cannanore": "Kannur", "kasargod": "Kasaragod", "kasargode": "Kasaragod",
    "kasaragode": "Kasaragod",
}
# {row} is "" in a CHECK and "NEW." in a trigger.
DISTRICT_RULE = "{row}district IN (%s)" % ", ".join(f"'{d}'" for d in DISTRICTS)
COORDINATES_RULE = (
    "({row}latitude IS NULL) = ({row}longitude IS NULL) AND ({row}latitude IS NULL OR"
    " ({row}latitude BETWEEN -90 AND 90 AND {row}longitude BETWEEN -180 AND 180))"
)
SQLITE_TRIGGERS = {
    "trg_sites_district_insert": ("INSERT", DISTRICT_RULE, "ck_sites_district"),
    "trg_sites_district_update": ("UPDATE OF district", DISTRICT_RULE, "ck_sites_district"),
    "trg_sites_coordinates_insert": ("INSERT", COORDINATES_RULE, "ck_sites_coordinates"),
    "trg_sites_coordinates_update": ("UPDATE OF latitude, longitude", COORDINATES_RULE,
                                     "ck_sites_coordinates"),
}


def _canonical(text: str) -> str | None:
    key = " ".join(text.split()).lower()
    by_key = {d.lower(): d for d in DISTRICTS} | ALIASES
    return by_key.get(key) or by_key.get(key.removesuffix(" district").strip())


def _normalise_districts() -> None:
    bind = op.get_bind()
    sites = sa.table("sites", sa.column("id", sa.Integer), sa.column("slug", sa.String),
                     sa.column("district", sa.String))
    unknown = []
    for site_id, slug, district in bind.execute(sa.select(sites.c.id, sites.c.slug,
                                                          sites.c.district)):
        canonical = _canonical(district or "")
        if canonical is None:
            unknown.append(f"{slug} ({district!r})")
        elif canonical != district:
            bind.execute(sites.update().where(sites.c.id == site_id)
                         .values(district=canonical))
    if unknown:
        raise RuntimeError(
            "These sites have a district that is not one of Kerala's 14; set each to one of "
            f"{', '.join(DISTRICTS)} and upgrade again: {'; '.join(unknown)}")


def upgrade() -> None:
    with op.batch_alter_table('sites', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('email', sa.String(length=254), server_default='',
                                      nullable=False))
    _normalise_districts()
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint(op.f('ck_sites_district'), 'sites',
                                   DISTRICT_RULE.format(row=""))
        op.create_check_constraint(op.f('ck_sites_coordinates'), 'sites',
                                   COORDINATES_RULE.format(row=""))
    else:
        for name, (event, rule, constraint) in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON sites FOR EACH ROW"
                       f" WHEN NOT ({rule.format(row='NEW.')})"
                       f" BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {constraint}'); END")

    op.create_table('site_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('alt_text', sa.String(length=250), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(alt_text) > 0', name=op.f('ck_site_photos_alt_text')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                            name=op.f('fk_site_photos_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_photos_site_id_sites'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_photos'))
    )
    with op.batch_alter_table('site_photos', schema=None) as batch_op:
        batch_op.create_index('ix_site_photos_site_id_position', ['site_id', 'position'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('site_photos', schema=None) as batch_op:
        batch_op.drop_index('ix_site_photos_site_id_position')
    op.drop_table('site_photos')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('ck_sites_coordinates'), 'sites', type_='check')
        op.drop_constraint(op.f('ck_sites_district'), 'sites', type_='check')
        for column in ('email', 'phone', 'longitude', 'latitude'):
            op.drop_column('sites', column)
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        # Native DROP COLUMN (SQLite 3.35+): a batch rebuild would cascade-delete (see above).
        for column in ('email', 'phone', 'longitude', 'latitude'):
            op.execute(f"ALTER TABLE sites DROP COLUMN {column}")
