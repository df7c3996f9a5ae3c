"""A hostel's stay settings on the admin site form: kinds offered and the monthly rules."""
from __future__ import annotations

import json

from sqlalchemy import select

from booking.models import AuditEntry, Site
from tests.admin.conftest import csrf_token, sign_in
from tests.admin.test_import_and_sites import site_form


def _hostel_form(client, site, **overrides):
    data = site_form(csrf_token=csrf_token(client), name=site.name, district=site.district,
                     it_park="Technopark", **overrides)
    del data["slug"], data["kind"]
    return data


def test_the_edit_page_shows_the_stay_settings_for_a_hostel_only(world, client):
    sign_in(client, world.manager_a)
    hostel_page = client.get(f"/admin/sites/{world.hostel.id}/edit").get_data(as_text=True)
    assert 'name="stay_kinds"' in hostel_page and 'name="notice_days"' in hostel_page
    centre_page = client.get(f"/admin/sites/{world.site_a.id}/edit").get_data(as_text=True)
    assert 'name="stay_kinds"' not in centre_page


def test_a_manager_offers_monthly_stays_audited(world, client, reader):
    sign_in(client, world.manager_a)
    data = _hostel_form(client, world.hostel, stay_kinds="nightly,monthly", min_months="2",
                        notice_days="15", longest_stay_months="11")
    response = client.post(f"/admin/sites/{world.hostel.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    reader.rollback()
    site = reader.get(Site, world.hostel.id)
    assert (site.stay_kinds, site.min_months, site.notice_days, site.longest_stay_months) == (
        "nightly,monthly", 2, 15, 11)
    entry = reader.scalar(select(AuditEntry).where(AuditEntry.action == "site.update"))
    assert json.loads(entry.after)["stay_kinds"] == "nightly,monthly"


def test_bad_stay_settings_are_form_errors(world, client, reader):
    sign_in(client, world.admin)
    for overrides, message in (
            ({"min_months": "6", "longest_stay_months": "3"}, "cannot be shorter"),
            ({"notice_days": "-1"}, "Number must be"),
            ({"stay_kinds": "weekly"}, "Not a valid choice")):
        data = _hostel_form(client, world.hostel, **overrides)
        response = client.post(f"/admin/sites/{world.hostel.id}/edit", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    reader.rollback()
    assert reader.get(Site, world.hostel.id).stay_kinds == "nightly"


def test_a_new_hostel_can_offer_months_from_the_start(world, client, reader):
    sign_in(client, world.admin)
    data = site_form(csrf_token=csrf_token(client), slug="cyberpark", kind="hostel",
                     name="Cyberpark Hostel", district="Kozhikode", stay_kinds="monthly",
                     min_months="1", notice_days="30", longest_stay_months="12")
    assert client.post("/admin/sites/new", data=data).status_code == 302
    reader.rollback()
    site = reader.scalar(select(Site).where(Site.slug == "cyberpark"))
    assert site.stay_kinds == "monthly" and site.offers_monthly and not site.offers_nightly
