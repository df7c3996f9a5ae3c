"""Sites through the admin pages: CSV import with preview, create, edit, status, roles."""
from __future__ import annotations

import io

from sqlalchemy import select

from booking.models import AuditEntry, Site, User
from tests.admin.conftest import csrf_token, sign_in

GOOD = """slug,name,district,desks,town,status,opening_days,opens_at,closes_at
wnh-kollam,WNH Kollam,Kollam,12,Kollam,planned,Mon-Sat,08:30,18:00
wnh-varkala-2,WNH Varkala 2,Thiruvananthapuram,8,Varkala,open,"Mon,Wed,Fri",09:00,17:00
"""
BAD = """slug,name,district,desks,status
wnh-ok,WNH OK,Kollam,5,open
Bad Slug,Bad,Kollam,5,open
wnh-neg,Neg,Kollam,-3,open
wnh-status,Status,Kollam,4,demolished
"""


def upload(client, text, **extra):
    data = {"csrf_token": csrf_token(client), "file": (io.BytesIO(text.encode()), "c.csv"), **extra}
    return client.post("/admin/sites/import", data=data, content_type="multipart/form-data")


def confirm(client, text):
    return client.post("/admin/sites/import", data={"csrf_token": csrf_token(client),
                                                    "csv_text": text, "confirm": "1"})


def slugs(reader):
    reader.rollback()
    return set(reader.scalars(select(Site.slug)))


def test_a_good_file_is_previewed_then_imported(world, client, reader):
    sign_in(client, world.admin)
    preview = upload(client, GOOD)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview: 2 centre(s)" in html and "WNH Kollam" in html
    assert "wnh-kollam" not in slugs(reader)  # the preview creates nothing
    response = confirm(client, GOOD)
    assert response.status_code == 302
    assert {"wnh-kollam", "wnh-varkala-2"} <= slugs(reader)
    kollam = reader.scalar(select(Site).where(Site.slug == "wnh-kollam"))
    assert kollam.status == "planned" and len(kollam.desks) == 12 and kollam.opening_days == "012345"
    actions = reader.scalars(select(AuditEntry.action).where(AuditEntry.site_id == kollam.id)).all()
    assert actions == ["site.import"]


def test_a_file_with_bad_rows_lists_each_problem_and_imports_nothing(world, client, reader):
    sign_in(client, world.admin)
    html = upload(client, BAD).get_data(as_text=True)
    assert "3 row(s) have problems" in html
    for line, words in ((3, "lower-case"), (4, "whole number"), (5, "planned, open or closed")):
        assert f"<td>{line}</td><td>" in html and words in html
    assert "Import 1 centres" not in html  # no button while any row is bad
    response = confirm(client, BAD)
    assert response.status_code == 400
    assert "wnh-ok" not in slugs(reader)


def test_duplicate_slugs_in_the_file_or_already_taken_are_reported(world, client, reader):
    sign_in(client, world.admin)
    text = ("slug,name,district,desks\nwnh-a,A,Kollam,1\nwnh-a,A again,Kollam,1\n"
            "kottarakkara,Clash,Kollam,1\n")
    html = upload(client, text).get_data(as_text=True)
    assert "repeats line 2" in html and "&#39;kottarakkara&#39; already exists" in html
    assert confirm(client, text).status_code == 400
    assert "wnh-a" not in slugs(reader)


def test_an_upload_that_is_not_utf8_csv_is_refused_clearly(world, client):
    sign_in(client, world.admin)
    data = {"csrf_token": csrf_token(client), "file": (io.BytesIO(b"\xff\xfe\x00bad"), "c.csv")}
    response = client.post("/admin/sites/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "UTF-8 CSV" in response.get_data(as_text=True)


def site_form(**overrides):
    data = {"slug": "wnh-kannur", "kind": "centre", "name": "WNH Kannur", "district": "Kannur",
            "opening_days": ["0", "1", "2", "3", "4"], "opens_at": "08:00", "closes_at": "18:00",
            "check_in_time": "14:00", "check_out_time": "11:00", "advance_days": "30",
            "max_stay_nights": "180", "cancel_cutoff_hours": "2"}
    data.update(overrides)
    return data


def test_an_admin_creates_a_planned_site_then_opens_it(world, client, reader):
    sign_in(client, world.admin)
    response = client.post("/admin/sites/new", data=site_form(csrf_token=csrf_token(client)))
    assert response.status_code == 302
    reader.rollback()
    site = reader.scalar(select(Site).where(Site.slug == "wnh-kannur"))
    assert site.status == "planned" and site.opening_days == "01234"
    response = client.post(f"/admin/sites/{site.id}/status",
                           data={"status": "open", "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    reader.rollback()
    assert reader.get(Site, site.id).status == "open"


def test_impossible_hours_and_duplicate_slugs_are_form_errors(world, client):
    sign_in(client, world.admin)
    token = csrf_token(client)
    response = client.post("/admin/sites/new", data=site_form(csrf_token=token, opens_at="19:00"))
    assert response.status_code == 400 and "opening time must be before" in response.get_data(as_text=True)
    response = client.post("/admin/sites/new", data=site_form(csrf_token=token, slug="varkala"))
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)


def test_editing_rules_records_only_what_changed(world, client, reader):
    sign_in(client, world.manager_a)
    site = world.site_a
    data = site_form(csrf_token=csrf_token(client), name=site.name, district=site.district,
                     opening_days=list(site.opening_days), opens_at="08:00", closes_at="20:00",
                     advance_days="14", cancel_cutoff_hours="0", max_stay_nights="180")
    del data["slug"], data["kind"]
    assert client.post(f"/admin/sites/{site.id}/edit", data=data).status_code == 302
    reader.rollback()
    entry = reader.scalar(select(AuditEntry).where(AuditEntry.action == "site.update"))
    assert entry.actor_id == world.manager_a.id and entry.site_id == site.id
    assert entry.before == '{"advance_days": 30}' and entry.after == '{"advance_days": 14}'


def test_an_admin_makes_a_member_the_manager_of_a_site(world, client, reader):
    sign_in(client, world.admin)
    response = client.post(f"/admin/users/{world.member.id}", data={
        "csrf_token": csrf_token(client), "role": "manager", "sites": [str(world.site_b.id)]})
    assert response.status_code == 302
    reader.rollback()
    member = reader.get(User, world.member.id)
    assert member.role == "manager"
    assert [s.slug for s in member.managed_sites] == ["varkala"]
    assert client.get("/admin/users?role=manager").get_data(as_text=True).count("role-manager") == 3


def test_an_admin_cannot_demote_themself(world, client):
    sign_in(client, world.admin)
    response = client.post(f"/admin/users/{world.admin.id}", data={
        "csrf_token": csrf_token(client), "role": "member"})
    assert response.status_code == 400
    assert "cannot remove your own" in response.get_data(as_text=True)
