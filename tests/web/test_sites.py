"""Finding a place: the filtered site list and each site's page with its calendar."""
from __future__ import annotations

from datetime import time, timedelta

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import DayPart
from booking.models.site import KERALA_DISTRICTS
from booking.services.sites.capacity import add_closure

from .conftest import next_weekday, text_of


def _names(response) -> set[str]:
    page = text_of(response)
    return {name for name in ("WNH Pala", "WNH Kollam", "Infopark Hostel") if name in page}


def _three_sites(make, session):
    make.centre(name="WNH Pala", district="Kottayam")
    make.centre(name="WNH Kollam", district="Kollam", status="planned")
    make.hostel(name="Infopark Hostel", district="Ernakulam")
    session.commit()


def test_site_list_filters_by_kind_district_and_open(client, make, session):
    _three_sites(make, session)
    assert _names(client.get("/")) == {"WNH Pala", "WNH Kollam", "Infopark Hostel"}
    assert _names(client.get("/?kind=hostel")) == {"Infopark Hostel"}
    assert _names(client.get("/?district=Kollam")) == {"WNH Kollam"}
    assert _names(client.get("/?kind=centre&open=1")) == {"WNH Pala"}


def test_site_list_ignores_nonsense_filters(client, make, session):
    _three_sites(make, session)
    response = client.get("/?kind=castle&district=" + "x" * 500 + "&open=maybe")
    assert response.status_code == 200
    assert "No places match these filters." in text_of(response)
    assert _names(client.get("/?kind=castle")) == {"WNH Pala", "WNH Kollam", "Infopark Hostel"}


def test_planned_site_is_listed_as_opening_soon_and_not_bookable(client, make, session):
    site = make.centre(name="WNH Varkala", status="planned")
    session.commit()
    page = text_of(client.get(f"/sites/{site.slug}"))
    assert "Opening soon" in page and "does not take bookings yet" in page
    assert "Book a desk" not in page and "Availability" not in page


def test_unknown_site_is_a_styled_404(client, db):
    response = client.get("/sites/no-such-place")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_centre_calendar_shows_free_desks_per_half_day_in_words(client, make, session):
    site = make.centre(desks=2, name="WNH Pala", address="Main Road, Pala",
                       amenities="Wi-Fi, Lockers")
    day = today_in_kerala() + timedelta(days=3)
    now = now_in_kerala()
    make.desk_booking(site=site, day=day, part=DayPart.MORNING, now=now)
    make.desk_booking(site=site, day=day, part=DayPart.MORNING, now=now)
    session.commit()
    page = text_of(client.get(f"/sites/{site.slug}"))
    assert "Availability" in page and "Main Road, Pala" in page and "Lockers" in page
    assert "Morning</span> <span class=\"slot-text\">Full" in page
    assert "Afternoon</span> <span class=\"slot-text\">2 free" in page
    assert f"/sites/{site.slug}/book-desk?day={(day + timedelta(days=1)).isoformat()}" in page


def test_closed_days_read_closed_with_the_reason(client, make, session):
    site = make.centre(opening_days="01234")  # Mon-Fri
    start = next_weekday(2)  # a Wednesday, so the weekly holiday does not hide it
    add_closure(session, site, start, start, reason="Onam")
    session.commit()
    page = text_of(client.get(f"/sites/{site.slug}"))
    assert "Onam" in page
    assert "Closed (weekly holiday)" in page


def test_hostel_calendar_counts_beds_per_night(client, make, session):
    site = make.hostel(rooms=(("R1", "dormitory", "anyone", 3),), name="Infopark Hostel")
    make.bed_booking(site=site, check_in=today_in_kerala() + timedelta(days=1), nights=2,
                     now=now_in_kerala())
    session.commit()
    page = text_of(client.get(f"/sites/{site.slug}"))
    assert "Night</span> <span class=\"slot-text\">2 free" in page
    assert "Night</span> <span class=\"slot-text\">3 free" in page
    assert "Check-in" in page and "from 2:00 pm" in page


def test_calendar_start_is_kept_inside_the_booking_window(client, make, session):
    site = make.centre()
    session.commit()
    for start in ("1999-01-01", "not-a-date", "2999-12-31", "2026-02-30"):
        response = client.get(f"/sites/{site.slug}?from={start}")
        assert response.status_code == 200
    later = today_in_kerala() + timedelta(days=28)
    page = text_of(client.get(f"/sites/{site.slug}?from={later.isoformat()}"))
    assert "Earlier" in page


# ---------------------------------------------------------------- who may use which beds

MIXED_ROOMS = (("W1", "dormitory", "women", 12), ("M1", "dormitory", "men", 8),
               ("A1", "twin", "anyone", 3))


def test_visitor_sees_the_free_beds_broken_down_by_room_designation(client, make, session):
    site = make.hostel(rooms=MIXED_ROOMS)
    session.commit()
    page = text_of(client.get(f"/sites/{site.slug}"))
    assert "23 beds free</strong> (3 in rooms for anyone, 12 in women&#39;s rooms, " \
           "8 in men&#39;s rooms)" in page
    assert "to see the beds you can book" in page
    assert "Night</span> <span class=\"slot-text\">23 free" in page
    assert '<span class="share">Women <strong>12</strong></span>' in page
    assert "For you" not in page


def test_member_sees_the_beds_they_can_book_in_the_hostel_calendar(
        client, make, session):
    from .conftest import sign_in

    site = make.hostel(rooms=MIXED_ROOMS)
    make.member(email="rahul@example.org", hostel_eligibility="men")
    session.commit()
    sign_in(client, "rahul@example.org")
    page = text_of(client.get(f"/sites/{site.slug}"))
    assert "For you</span> <span class=\"slot-text\">11 free" in page
    assert "23 free" not in page
    assert "11 of them are in rooms you can book." in page
    assert '<span class="share">Men <strong>8</strong></span>' in page


def test_member_with_no_room_open_to_them_is_told_so(client, make, session):
    from .conftest import sign_in

    site = make.hostel(rooms=(("W1", "dormitory", "women", 4),))
    make.member(email="joseph@example.org", hostel_eligibility="men")
    session.commit()
    sign_in(client, "joseph@example.org")
    page = text_of(client.get(f"/sites/{site.slug}"))
    assert "None of them is in a room you can book." in page
    assert "For you</span> <span class=\"slot-text\">Not bookable" in page


def test_hostel_with_rooms_only_for_anyone_shows_no_breakdown(client, make, session):
    site = make.hostel(rooms=(("R1", "dormitory", "anyone", 3),))
    session.commit()
    page = text_of(client.get(f"/sites/{site.slug}"))
    assert "3 beds free</strong>." in page and 'class="share"' not in page


def test_bed_form_mentions_free_beds_the_member_cannot_book(client, make, session):
    from .conftest import sign_in

    site = make.hostel(rooms=MIXED_ROOMS)
    make.member(email="rahul@example.org", hostel_eligibility="men")
    session.commit()
    sign_in(client, "rahul@example.org")
    page = text_of(client.get(f"/sites/{site.slug}/book-bed"))
    assert "in rooms you cannot book: 12 in women&#39;s rooms." in page
def test_the_district_filter_offers_all_fourteen_districts(client, make, session):
    make.centre(name="WNH Pala", district="Kottayam")
    session.commit()
    page = text_of(client.get("/"))
    menu = page[page.index('<select id="district"'):]
    menu = menu[:menu.index("</select>")]
    assert [d for d in KERALA_DISTRICTS if f'<option value="{d}"' in menu] == list(KERALA_DISTRICTS)
    assert menu.count("<option") == 15  # "All districts" and the 14, Wayanad with no site too


def test_the_district_filter_understands_old_names(client, make, session):
    _three_sites(make, session)
    assert _names(client.get("/?district=Cochin")) == {"Infopark Hostel"}


def test_a_site_page_shows_where_and_who(client, make, session):
    make.centre(name="WNH Pala", slug="pala", district="Kottayam", opening_days="012345",
                opens_at=time(8, 30), closes_at=time(18), latitude=9.7265, longitude=76.6833,
                address="St. Thomas College, Arunapuram\nPala 686574", phone="04822 000 105",
                email="pala@wnh.example.org")
    session.commit()
    page = text_of(client.get("/sites/pala"))
    assert "St. Thomas College, Arunapuram\nPala 686574" in page
    assert ('href="https://www.openstreetmap.org/?mlat=9.726500&amp;mlon=76.683300'
            '#map=17/9.726500/76.683300"') in page
    assert 'href="geo:9.726500,76.683300?q=9.726500,76.683300(WNH%20Pala)"' in page
    assert '<a href="tel:+914822000105">04822 000 105</a>' in page
    assert '<a href="mailto:pala@wnh.example.org">pala@wnh.example.org</a>' in page
    assert "Mon–Sat, 8:30 am – 6:00 pm" in page
    assert "<iframe" not in page and "tile.openstreetmap" not in page


def test_a_site_without_coordinates_links_an_address_search(client, make, session):
    make.centre(name="WNH Pala", slug="pala", address="Arunapuram, Pala")
    session.commit()
    page = text_of(client.get("/sites/pala"))
    assert 'href="https://www.openstreetmap.org/search?query=Arunapuram%2C+Pala"' in page
    assert "geo:" not in page


def test_a_missing_photo_is_a_404(client, make, session):
    make.centre(slug="pala")
    session.commit()
    assert client.get("/sites/pala/photos/1/thumb.jpg").status_code == 404
    assert client.get("/sites/pala/photos/1/huge.jpg").status_code == 404


def test_the_calendar_says_in_words_which_half_days_the_member_booked(
        app, member_client, member, make, session):
    from booking.services.bookings.book import book_desk

    site = make.centre(name="WNH Kollam", slug="kollam", opening_days="0123456")
    book_desk(session, member, site, next_weekday(2), DayPart.MORNING)
    session.commit()
    page = text_of(member_client.get("/sites/kollam"))
    assert page.count("booked by you") == 1  # the morning only, for screen readers
    assert page.count("slot-yours") == 1 and "Booked by you" in page  # the mark and its legend
    visitor = app.test_client()  # a visitor's calendar marks nothing
    assert "booked by you" not in text_of(visitor.get("/sites/kollam"))
