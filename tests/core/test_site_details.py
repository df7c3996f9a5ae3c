"""Where a site is and who answers: Kerala's 14 districts, coordinates, contact, photos."""
from __future__ import annotations

import pytest
from PIL import ExifTags
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from booking.models import AuditEntry, Site, SitePhoto
from booking.models.site import KERALA_DISTRICTS
from booking.services.sites import admin as sites_admin, photos as site_photos
from booking.services.sites.districts import normalise_district
from booking.services.errors import InvalidRequest
from booking.services.sites.details import geo_uri, osm_url, tel_uri
from tests.images import open_image, photo_bytes


# ---------------------------------------------------------------- districts

@pytest.mark.parametrize("typed, district", [
    ("Kasargod", "Kasaragod"), ("kasaragod", "Kasaragod"), ("Trivandrum", "Thiruvananthapuram"),
    ("Calicut", "Kozhikode"), ("Cochin", "Ernakulam"), ("  Alleppey ", "Alappuzha"),
    ("Palghat", "Palakkad"), ("Kollam district", "Kollam"), ("THRISSUR", "Thrissur"),
])
def test_known_spellings_become_the_official_district(typed, district):
    assert normalise_district(typed) == district


def test_kerala_has_fourteen_districts():
    assert len(KERALA_DISTRICTS) == len(set(KERALA_DISTRICTS)) == 14


def test_a_site_made_with_kasargod_is_stored_as_kasaragod(make):
    site = make.centre(district="Kasargod")
    assert site.district == "Kasaragod"


def test_an_unknown_district_is_refused_with_the_fourteen_listed(make):
    with pytest.raises(InvalidRequest) as refused:
        make.centre(district="Gotham")
    assert "'Gotham' is not one of Kerala's 14 districts" in refused.value.message
    assert all(d in refused.value.message for d in KERALA_DISTRICTS)


def test_editing_a_site_normalises_its_district(make, session):
    site, admin = make.centre(), make.member(role="admin")
    sites_admin.update_site(session, admin, site, {"district": "Calicut"})
    assert site.district == "Kozhikode"
    with pytest.raises(InvalidRequest):
        sites_admin.update_site(session, admin, site, {"district": "Kozhikode North"})


def test_the_database_refuses_a_fifteenth_district(make, session):
    site = make.centre()
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(update(Site).where(Site.id == site.id).values(district="Kasargod"))
        session.flush()
    session.rollback()
    with pytest.raises(IntegrityError):
        session.execute(text("INSERT INTO sites (slug, name, kind, status, district, town,"
                             " address, description, amenities, opening_days, opens_at,"
                             " closes_at, check_in_time, check_out_time, advance_days,"
                             " max_stay_nights, cancel_cutoff_hours, created_at)"
                             " SELECT 'x', name, kind, status, 'Malabar', town, address,"
                             " description, amenities, opening_days, opens_at, closes_at,"
                             " check_in_time, check_out_time, advance_days, max_stay_nights,"
                             " cancel_cutoff_hours, created_at FROM sites"))


def test_the_database_refuses_half_a_coordinate(make, session):
    site = make.centre()
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(update(Site).where(Site.id == site.id).values(latitude=9.0))
    session.rollback()


# ---------------------------------------------------------------- coordinates and contact

def test_coordinates_are_both_or_neither_and_inside_kerala(make):
    site = make.centre(latitude=9.0062, longitude=76.7808)
    assert site.has_coordinates
    with pytest.raises(InvalidRequest, match="both latitude and longitude"):
        make.centre(latitude=9.0)
    with pytest.raises(InvalidRequest, match="swapped"):
        make.centre(latitude=76.7808, longitude=9.0062)
    with pytest.raises(InvalidRequest, match="outside Kerala"):
        make.centre(latitude=float("nan"), longitude=76.7)


def test_phone_and_email_are_checked(make):
    site = make.centre(phone=" 0474  245 1234 ", email="wnh@example.org")
    assert (site.phone, site.email) == ("0474 245 1234", "wnh@example.org")
    with pytest.raises(InvalidRequest, match="not a phone number"):
        make.centre(phone="call us")
    with pytest.raises(InvalidRequest, match="not an email address"):
        make.centre(email="wnh at example.org")


@pytest.mark.parametrize("phone, uri", [
    ("0474 245 1234", "tel:+914742451234"), ("+91 94470 12345", "tel:+919447012345"),
    ("94470 12345", "tel:+919447012345"), ("91 94470 12345", "tel:+919447012345"),
])
def test_tel_links_dial_from_anywhere(phone, uri):
    assert tel_uri(phone) == uri


def test_directions_links_point_at_the_site():
    assert osm_url(9.0062, 76.7808) == ("https://www.openstreetmap.org/?mlat=9.006200"
                                        "&mlon=76.780800#map=17/9.006200/76.780800")
    assert geo_uri(9.0062, 76.7808, "WNH Kottarakkara") == (
        "geo:9.006200,76.780800?q=9.006200,76.780800(WNH%20Kottarakkara)")


# ---------------------------------------------------------------- photos

def test_a_photo_is_resized_and_loses_its_exif_and_gps(make, session):
    site, admin = make.centre(), make.member(role="admin")
    upload = photo_bytes((4000, 3000), gps=True)
    assert open_image(upload).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test has GPS to lose
    photo = site_photos.add_photo(session, admin, site, upload, "  Desks by the window ")
    session.commit()
    stored = session.scalars(select(SitePhoto)).one()
    large, thumb = open_image(stored.image), open_image(stored.thumbnail)
    assert large.format == thumb.format == "JPEG"
    assert large.size == (photo.width, photo.height) == (1600, 1200)
    assert max(thumb.size) == site_photos.THUMB_EDGE
    for image, data in ((large, stored.image), (thumb, stored.thumbnail)):
        assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
        assert b"SnoopCam" not in data and b"8.9963" not in data
    assert stored.alt_text == "Desks by the window"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "photo.add")).one()
    assert entry.site_id == site.id


def test_a_sideways_phone_photo_is_stored_upright():
    prepared = site_photos.prepare_photo(photo_bytes((2000, 1000), orientation=6))
    assert (prepared.width, prepared.height) == (800, 1600)


def test_a_small_photo_keeps_its_size():
    prepared = site_photos.prepare_photo(photo_bytes((800, 600), fmt="PNG"))
    assert (prepared.width, prepared.height) == (800, 600)


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.7 not a photo", "not a photo"),
    (photo_bytes((400, 300), fmt="GIF"), "not a photo"),
    (photo_bytes((100, 80)), "too small"),
    (photo_bytes((8000, 6000), fmt="PNG"), "too many pixels"),
    (b"\xff\xd8" + b"0" * site_photos.MAX_UPLOAD_BYTES, "larger than 8 MB"),
])
def test_what_is_not_a_usable_photo_is_refused(data, message):
    with pytest.raises(InvalidRequest, match=message):
        site_photos.prepare_photo(data)


def test_a_photo_needs_alt_text_and_a_site_at_most_twelve(make, session, monkeypatch):
    site, admin = make.centre(), make.member(role="admin")
    with pytest.raises(InvalidRequest, match="alt text"):
        site_photos.add_photo(session, admin, site, photo_bytes((400, 300)), "   ")
    monkeypatch.setattr(site_photos, "MAX_PHOTOS", 2)
    for n in range(2):
        site_photos.add_photo(session, admin, site, photo_bytes((400, 300)), f"Photo {n}")
    with pytest.raises(InvalidRequest, match="at most 2 photos"):
        site_photos.add_photo(session, admin, site, photo_bytes((400, 300)), "One more")


def test_photos_can_be_reordered_and_deleted(make, session):
    site, admin = make.centre(), make.member(role="admin")
    first, second = (site_photos.add_photo(session, admin, site, photo_bytes((400, 300)), alt)
                     for alt in ("Front", "Desks"))
    site_photos.move_photo_first(session, admin, site, second)
    assert [p.alt_text for p in site_photos.get_photos(session, site)] == ["Desks", "Front"]
    site_photos.delete_photo(session, admin, site, second)
    assert [p.alt_text for p in site_photos.get_photos(session, site)] == ["Front"]
    other = make.centre()
    with pytest.raises(InvalidRequest):
        site_photos.delete_photo(session, admin, other, first)


def test_moving_one_coordinate_is_checked_with_the_other(make, session):
    site, admin = make.centre(latitude=9.0062, longitude=76.7808), make.member(role="admin")
    sites_admin.update_site(session, admin, site, {"latitude": 9.01})
    assert (site.latitude, site.longitude) == (9.01, 76.7808)
    with pytest.raises(InvalidRequest, match="outside Kerala"):
        sites_admin.update_site(session, admin, site, {"longitude": 9.0})
