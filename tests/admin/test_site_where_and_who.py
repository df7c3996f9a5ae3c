"""Admin pages for where and who: the district select, contact and coordinates, photos."""
from __future__ import annotations

import io

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from booking.models import AuditEntry, Site, SitePhoto
from booking.models.site import KERALA_DISTRICTS
from booking.services.sites import photos as site_photos
from tests.admin.conftest import csrf_token, sign_in
from tests.admin.test_import_and_sites import confirm, site_form, upload
from tests.images import open_image, photo_bytes


def photos_url(site) -> str:
    return f"/admin/sites/{site.id}/photos"


def post_photo(client, site, data: bytes | None, alt_text="Desks by the windows", token=True):
    form = {"alt_text": alt_text}
    if data is not None:
        form["photo"] = (io.BytesIO(data), "photo.jpg")
    if token:
        form["csrf_token"] = csrf_token(client, photos_url(site))
    return client.post(photos_url(site), data=form, content_type="multipart/form-data")


def photo_count(reader) -> int:
    reader.rollback()
    return reader.scalar(select(func.count()).select_from(SitePhoto))


def edit_form(site, client, **overrides) -> dict:
    data = site_form(csrf_token=csrf_token(client), name=site.name, district=site.district,
                     opening_days=list(site.opening_days), opens_at="08:00", closes_at="20:00",
                     advance_days="30", cancel_cutoff_hours="0", max_stay_nights="180")
    del data["slug"], data["kind"]
    data.update(overrides)
    return data


# ---------------------------------------------------------------- districts and details

def test_the_site_form_offers_exactly_the_fourteen_districts(world, client):
    sign_in(client, world.admin)
    html = client.get("/admin/sites/new").get_data(as_text=True)
    select_html = html[html.index('<select id="district"'):]
    select_html = select_html[:select_html.index("</select>")]
    assert select_html.count("<option") == 15  # "Choose a district" and the 14
    assert all(f'value="{d}"' in select_html for d in KERALA_DISTRICTS)


def test_a_hand_typed_district_is_a_form_error_not_a_fifteenth(world, client, reader):
    sign_in(client, world.admin)
    response = client.post("/admin/sites/new", data=site_form(csrf_token=csrf_token(client),
                                                              district="Kasargod"))
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    reader.rollback()
    assert reader.scalar(select(Site).where(Site.slug == "wnh-kannur")) is None


def test_an_admin_saves_address_coordinates_phone_and_email(world, client, reader):
    sign_in(client, world.manager_a)
    site = world.site_a
    response = client.post(f"/admin/sites/{site.id}/edit", data=edit_form(
        site, client, district="Kollam", address="Pulamon P.O.\nKottarakkara 691531",
        latitude="9.0062", longitude="76.7808", phone="0474 245 1234",
        email="kottarakkara@wnh.example.org"))
    assert response.status_code == 302
    reader.rollback()
    saved = reader.get(Site, site.id)
    assert (saved.address, saved.latitude, saved.longitude, saved.phone, saved.email) == (
        "Pulamon P.O.\nKottarakkara 691531", 9.0062, 76.7808, "0474 245 1234",
        "kottarakkara@wnh.example.org")
    entry = reader.scalar(select(AuditEntry).where(AuditEntry.action == "site.update"))
    assert '"latitude": 9.0062' in entry.after


def test_swapped_coordinates_and_a_bad_email_are_form_errors(world, client, reader):
    sign_in(client, world.admin)
    site = world.site_a
    swapped = client.post(f"/admin/sites/{site.id}/edit", data=edit_form(
        site, client, latitude="76.7808", longitude="9.0062"))
    assert swapped.status_code == 400 and "swapped" in swapped.get_data(as_text=True)
    half = client.post(f"/admin/sites/{site.id}/edit", data=edit_form(site, client,
                                                                       latitude="9.0"))
    assert half.status_code == 400 and "both latitude and longitude" in half.get_data(as_text=True)
    email = client.post(f"/admin/sites/{site.id}/edit", data=edit_form(site, client,
                                                                       email="not-an-email"))
    assert email.status_code == 400 and "Enter an email address" in email.get_data(as_text=True)
    reader.rollback()
    assert reader.get(Site, site.id).latitude is None


def test_csv_import_maps_known_spellings_and_refuses_unknown_districts(world, client, reader):
    sign_in(client, world.admin)
    text = ("slug,name,district,desks,latitude,longitude,phone\n"
            "wnh-kasaragod,WNH Kasaragod,Kasargod,4,12.4996,74.9869,04994 000 101\n"
            "wnh-calicut,WNH Calicut,Calicut,4,,,\n")
    assert confirm(client, text).status_code == 302
    reader.rollback()
    districts = dict(reader.execute(select(Site.slug, Site.district)).all())
    assert districts["wnh-kasaragod"] == "Kasaragod" and districts["wnh-calicut"] == "Kozhikode"
    bad = upload(client, "slug,name,district,desks\nwnh-x,WNH X,Malabar,4\n")
    html = bad.get_data(as_text=True)
    assert "&#39;Malabar&#39; is not one of Kerala&#39;s 14 districts" in html
    assert "Thiruvananthapuram, Kollam, Pathanamthitta" in html


# ---------------------------------------------------------------- photos

def test_an_admin_uploads_a_photo_that_the_site_page_shows_with_its_alt_text(
        world, client, reader):
    sign_in(client, world.admin)
    response = post_photo(client, world.site_a, photo_bytes((3000, 2000), gps=True))
    assert response.status_code == 302
    assert photo_count(reader) == 1
    photo = reader.scalars(select(SitePhoto)).one()
    page = client.get("/sites/kottarakkara").get_data(as_text=True)
    thumb = f"/sites/kottarakkara/photos/{photo.id}/thumb.jpg"
    assert f'src="{thumb}" alt="Desks by the windows"' in page
    served = client.get(thumb)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert not open_image(served.data).getexif()
    assert client.get(thumb, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    large = open_image(client.get(f"/sites/kottarakkara/photos/{photo.id}/large.jpg").data)
    assert max(large.size) == site_photos.LARGE_EDGE
    assert client.get(f"/sites/varkala/photos/{photo.id}/large.jpg").status_code == 404


def test_a_file_that_is_not_a_photo_gets_a_form_error(world, client, reader):
    sign_in(client, world.admin)
    response = post_photo(client, world.site_a, b"MZ\x90\x00 an executable, not a photo")
    assert response.status_code == 400
    assert "not a photo; upload a JPEG, PNG or WebP" in response.get_data(as_text=True)
    assert photo_count(reader) == 0


def test_a_photo_without_alt_text_or_file_gets_a_form_error(world, client, reader):
    sign_in(client, world.admin)
    no_alt = post_photo(client, world.site_a, photo_bytes((400, 300)), alt_text="  ")
    assert no_alt.status_code == 400 and "Describe the photo" in no_alt.get_data(as_text=True)
    no_file = post_photo(client, world.site_a, None)
    assert no_file.status_code == 400 and "Choose a photo" in no_file.get_data(as_text=True)
    assert photo_count(reader) == 0


def test_a_huge_upload_gets_a_form_error_not_a_crash(world, client, reader):
    sign_in(client, world.admin)
    # Encoded in memory: the test client would spool a body this size to a temporary
    # file that it never closes when the app (rightly) does not read the body.
    boundary, body = encode_multipart({
        "csrf_token": csrf_token(client, photos_url(world.site_a)), "alt_text": "Huge",
        "photo": FileStorage(io.BytesIO(b"\xff\xd8" + b"0" * (9 * 1024 * 1024)), "p.jpg")})
    response = client.post(photos_url(world.site_a), data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "larger than 8 MB" in response.get_data(as_text=True)
    assert photo_count(reader) == 0


def test_an_upload_without_the_csrf_token_is_refused(world, client, reader):
    sign_in(client, world.admin)
    response = post_photo(client, world.site_a, photo_bytes((400, 300)), token=False)
    assert response.status_code == 400
    assert "This form has expired or was opened in another tab" in response.get_data(as_text=True)
    assert photo_count(reader) == 0


def test_only_administrators_manage_photos(world, client, reader):
    data = photo_bytes((400, 300))
    assert post_photo(client, world.site_a, data, token=False).status_code == 302  # sign in
    sign_in(client, world.member)
    assert client.get(photos_url(world.site_a)).status_code == 404
    sign_in(client, world.manager_a)  # manages the site, but photos are for administrators
    token = csrf_token(client)
    response = client.post(photos_url(world.site_a), content_type="multipart/form-data", data={
        "csrf_token": token, "alt_text": "Mine", "photo": (io.BytesIO(data), "p.jpg")})
    assert response.status_code == 403
    assert "Photos" not in client.get(f"/admin/sites/{world.site_a.id}").get_data(as_text=True)
    assert photo_count(reader) == 0


def test_an_admin_shows_a_photo_first_then_deletes_it(world, client, reader):
    sign_in(client, world.admin)
    for alt in ("Front gate", "Desk room"):
        assert post_photo(client, world.site_a, photo_bytes((400, 300)), alt).status_code == 302
    reader.rollback()
    desk_room = reader.scalar(select(SitePhoto).where(SitePhoto.alt_text == "Desk room"))
    token = csrf_token(client, photos_url(world.site_a))
    base = f"{photos_url(world.site_a)}/{desk_room.id}"
    assert client.post(f"{base}/first", data={"csrf_token": token}).status_code == 302
    page = client.get("/sites/kottarakkara").get_data(as_text=True)
    assert page.index('alt="Desk room"') < page.index('alt="Front gate"')
    assert client.post(f"{base}/delete", data={}).status_code == 400  # no CSRF token
    assert client.post(f"{photos_url(world.site_b)}/{desk_room.id}/delete",
                       data={"csrf_token": token}).status_code == 404  # another site's URL
    assert client.post(f"{base}/delete", data={"csrf_token": token}).status_code == 302
    assert photo_count(reader) == 1
