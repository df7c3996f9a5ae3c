"""Admin pages: a site's PIN code places it; entered coordinates must lie in Kerala."""
from __future__ import annotations

import re

from sqlalchemy import select

from booking.models import AuditEntry, Site
from booking.services.sites.pincodes import locate
from tests.admin.conftest import csrf_token, sign_in
from tests.admin.test_import_and_sites import confirm, site_form
from tests.admin.test_site_where_and_who import edit_form


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]+)</p>', html)
    return match[1] if match else ""


def test_a_site_created_with_a_pin_code_and_no_coordinates_sits_at_its_centre(
        world, client, reader):
    sign_in(client, world.admin)
    response = client.post("/admin/sites/new", data=site_form(csrf_token=csrf_token(client),
                                                              pin_code="670 101"))
    assert response.status_code == 302
    reader.rollback()
    site = reader.scalar(select(Site).where(Site.slug == "wnh-kannur"))
    assert site.pin_code == "670101"
    assert (site.latitude, site.longitude) == locate("670101")
    entry = reader.scalar(select(AuditEntry).where(AuditEntry.action == "site.create"))
    assert entry is not None and "670101" in str(entry.after)


def test_coordinates_outside_kerala_are_refused_next_to_the_latitude(world, client, reader):
    sign_in(client, world.admin)
    response = client.post("/admin/sites/new", data=site_form(
        csrf_token=csrf_token(client), pin_code="670101", latitude="12.97", longitude="77.59"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "outside Kerala" in field_error(html, "latitude")
    reader.rollback()
    assert reader.scalar(select(Site).where(Site.slug == "wnh-kannur")) is None


def test_a_bad_or_foreign_pin_code_is_refused_next_to_its_field(world, client):
    sign_in(client, world.admin)
    for pin, words in (("67010", "six digits"), ("999999", "999999"),
                       ("560001", "outside Kerala")):
        response = client.post("/admin/sites/new", data=site_form(
            csrf_token=csrf_token(client), pin_code=pin))
        assert response.status_code == 400, pin
        assert words in field_error(response.get_data(as_text=True), "pin_code"), pin


def test_editing_the_pin_code_keeps_coordinates_unless_they_are_cleared(world, client, reader):
    sign_in(client, world.admin)
    site = world.site_a
    url = f"/admin/sites/{site.id}/edit"
    assert client.post(url, data=edit_form(site, client, pin_code="691506", latitude="9.0062",
                                           longitude="76.7808")).status_code == 302
    reader.rollback()
    saved = reader.get(Site, site.id)
    assert (saved.pin_code, saved.latitude, saved.longitude) == ("691506", 9.0062, 76.7808)
    assert client.post(url, data=edit_form(site, client, pin_code="691506", latitude="",
                                           longitude="")).status_code == 302
    reader.rollback()
    saved = reader.get(Site, site.id)
    assert (saved.latitude, saved.longitude) == locate("691506")
    html = client.get(f"/admin/sites/{site.id}").get_data(as_text=True)
    assert "691506" in html


def test_an_imported_csv_takes_pin_code_lat_and_lon(world, client, reader):
    sign_in(client, world.admin)
    text = ("slug,name,district,desks,pin_code,lat,lon\n"
            "wnh-kollam,WNH Kollam,Kollam,10,691001,,\n"
            "wnh-pala,WNH Pala,Kottayam,8,686575,9.7265,76.6833\n")
    assert confirm(client, text).status_code == 302
    reader.rollback()
    kollam, pala = (reader.scalar(select(Site).where(Site.slug == s))
                    for s in ("wnh-kollam", "wnh-pala"))
    assert kollam.pin_code == "691001" and (kollam.latitude, kollam.longitude) == locate("691001")
    assert (pala.pin_code, pala.latitude, pala.longitude) == ("686575", 9.7265, 76.6833)


def test_an_import_with_a_site_outside_kerala_lands_nothing(world, client, reader):
    sign_in(client, world.admin)
    text = ("slug,name,district,desks,pin_code,lat,lon\n"
            "wnh-kollam,WNH Kollam,Kollam,10,691001,,\n"
            "wnh-far,WNH Far,Kollam,8,,12.97,77.59\n")
    response = confirm(client, text)
    assert response.status_code == 400 and "outside Kerala" in response.get_data(as_text=True)
    reader.rollback()
    assert reader.scalar(select(Site).where(Site.slug == "wnh-kollam")) is None
