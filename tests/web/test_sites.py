"""Finding a place: the filtered site list and each site's page with its calendar."""
from __future__ import annotations

from datetime import timedelta

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import DayPart
from booking.services.capacity import add_closure

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
