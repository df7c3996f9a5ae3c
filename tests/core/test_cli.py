"""The command line: seed, users, sites, CSV import; clear errors, non-zero exits."""
from __future__ import annotations

from sqlalchemy import func, select

from booking.models import Bed, Booking, Desk, Site, User

GOOD_CSV = """slug,name,district,town,host_institution,desks,status,opening_days,opens_at,closes_at
adoor,WNH Adoor,Pathanamthitta,Adoor,Govt Polytechnic Adoor,20,open,Mon-Sat,08:00,19:00
kasaragod,WNH Kasaragod,Kasaragod,Kasaragod,LBS College,12,planned,,,
"""


def count(db, model) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_seed_demo_twice_creates_everything_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = [count(db, m) for m in (Site, Desk, Bed, User, Booking)]
    assert counts[0] >= 14 and counts[4] > 0
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 new records" in second.output
    assert [count(db, m) for m in (Site, Desk, Bed, User, Booking)] == counts
    with db.reader() as s:
        statuses = dict(s.execute(select(Site.slug, Site.status)).all())
    assert statuses["kottarakkara"] == "open"
    assert {statuses[s] for s in ("kollam", "varkala", "ramanattukara")} == {"planned"}


def test_users_create_then_duplicate_email_fails(app, db):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["users", "create", "Priya@Example.org", "--name", "Priya",
                             "--role", "manager", "--password", "a-long-password"])
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(args=["users", "create", "priya@example.org", "--name", "P",
                                "--password", "a-long-password"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_users_create_rejects_short_password_and_bad_role(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["users", "create", "a@b.in", "--name", "A", "--password", "x"])
    assert short.exit_code != 0 and "at least 8" in short.output
    role = runner.invoke(args=["users", "create", "a@b.in", "--name", "A", "--role", "boss",
                               "--password", "long-enough"])
    assert role.exit_code != 0 and "boss" in role.output


def test_sites_create_centre_and_hostel(app, db):
    runner = app.test_cli_runner()
    centre = runner.invoke(args=["sites", "create", "adoor", "--kind", "centre", "--name",
                                 "WNH Adoor", "--district", "Pathanamthitta", "--desks", "12"])
    hostel = runner.invoke(args=["sites", "create", "tp-2", "--kind", "hostel", "--name", "TP 2",
                                 "--district", "Thiruvananthapuram", "--rooms", "3",
                                 "--beds-per-room", "4", "--designation", "women",
                                 "--status", "planned"])
    assert centre.exit_code == 0 and hostel.exit_code == 0, centre.output + hostel.output
    assert count(db, Desk) == 12 and count(db, Bed) == 12
    with db.reader() as s:
        tp = s.scalar(select(Site).where(Site.slug == "tp-2"))
        assert tp.status == "planned" and tp.advance_days == 90 and tp.max_stay_nights == 180


def test_sites_create_refuses_mismatched_options(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sites", "create", "x", "--kind", "centre", "--name", "X",
                                 "--district", "Kollam", "--rooms", "2"])
    assert result.exit_code != 0 and "for hostels" in result.output
    bad_slug = runner.invoke(args=["sites", "create", "Bad Slug", "--kind", "centre", "--name",
                                   "X", "--district", "Kollam", "--desks", "2"])
    assert bad_slug.exit_code != 0 and "not a valid slug" in bad_slug.output
    assert count(db, Site) == 0


def test_sites_create_takes_a_pin_code_and_places_the_site_at_its_centre(app, db):
    from booking.services.sites.pincodes import locate

    runner = app.test_cli_runner()
    result = runner.invoke(args=["sites", "create", "adoor", "--kind", "centre", "--name",
                                 "WNH Adoor", "--district", "Pathanamthitta", "--desks", "4",
                                 "--pin-code", "691523"])
    assert result.exit_code == 0, result.output
    with db.reader() as s:
        adoor = s.scalar(select(Site).where(Site.slug == "adoor"))
        assert adoor.pin_code == "691523"
        assert (adoor.latitude, adoor.longitude) == locate("691523")
    refused = runner.invoke(args=["sites", "create", "far", "--kind", "centre", "--name", "Far",
                                  "--district", "Kollam", "--pin-code", "560001"])
    assert refused.exit_code != 0 and "outside Kerala" in refused.output


def test_sites_import_loads_every_row(app, db, tmp_path):
    path = tmp_path / "centres.csv"
    path.write_text(GOOD_CSV)
    result = app.test_cli_runner().invoke(args=["sites", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert count(db, Site) == 2 and count(db, Desk) == 32
    with db.reader() as s:
        adoor = s.scalar(select(Site).where(Site.slug == "adoor"))
        assert adoor.opening_days == "012345" and adoor.closes_at.hour == 19


def test_sites_import_with_a_bad_row_imports_nothing(app, db, tmp_path):
    path = tmp_path / "centres.csv"
    path.write_text(GOOD_CSV + "pala,WNH Pala,Kottayam,Pala,,many,open,,,\n"
                    "adoor,Again,Kollam,,,3,open,,,\n")
    result = app.test_cli_runner().invoke(args=["sites", "import", str(path)])
    assert result.exit_code != 0
    assert "line 4: desks 'many'" in result.output and "line 5: slug 'adoor' repeats" in result.output
    assert count(db, Site) == 0


def test_sites_import_refuses_slugs_that_already_exist(app, db, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["sites", "create", "adoor", "--kind", "centre", "--name", "A",
                        "--district", "Pathanamthitta", "--desks", "1"])
    path = tmp_path / "centres.csv"
    path.write_text(GOOD_CSV)
    result = runner.invoke(args=["sites", "import", str(path)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert count(db, Site) == 1


def test_sites_create_maps_known_spellings_and_refuses_unknown_districts(app, db):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["sites", "create", "calicut-1", "--kind", "centre", "--name",
                               "WNH Calicut", "--district", "Calicut", "--desks", "2"])
    assert made.exit_code == 0, made.output
    refused = runner.invoke(args=["sites", "create", "malabar-1", "--kind", "centre", "--name",
                                  "WNH Malabar", "--district", "Malabar", "--desks", "2"])
    assert refused.exit_code != 0
    assert "'Malabar' is not one of Kerala's 14 districts: Thiruvananthapuram," in refused.output
    with db.reader() as s:
        assert dict(s.execute(select(Site.slug, Site.district)).all()) == {"calicut-1": "Kozhikode"}


def test_sites_import_maps_kasargod_to_kasaragod(app, db, tmp_path):
    path = tmp_path / "centres.csv"
    path.write_text("slug,name,district,desks\nkasaragod-2,WNH Kasaragod 2,Kasargod,3\n")
    result = app.test_cli_runner().invoke(args=["sites", "import", str(path)])
    assert result.exit_code == 0, result.output
    with db.reader() as s:
        assert s.scalar(select(Site.district)) == "Kasaragod"


def test_seed_demo_gives_sites_an_address_a_map_position_contact_and_photos(app, db):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with db.reader() as s:
        site = s.scalar(select(Site).where(Site.slug == "kottarakkara"))
        assert "Kottarakkara" in site.address and site.has_coordinates
        assert 8.9 < site.latitude < 9.1 and 76.7 < site.longitude < 76.9
        assert site.phone and site.email
        assert all(p.alt_text for p in site.photos) and len(site.photos) == 2
