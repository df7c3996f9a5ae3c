"""Kerala's public holidays: proposed, confirmed by staff as ordinary closures, shown to members."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import AuditEntry, Booking, Closure
from booking.services.sites import holidays as public_holidays
from booking.services.dates import format_day
from booking.services.errors import InvalidRequest
from tests.admin.conftest import csrf_token, sign_in


def test_the_package_knows_keralas_holidays_for_2026_and_2027():
    for year in (2026, 2027):
        found = {h.day: h.name for h in public_holidays.get_kerala_holidays(year)}
        assert found[date(year, 12, 25)] == "Christmas"
        assert found[date(year, 1, 26)] == "Republic Day"
        assert any("Onam" in name for name in found.values())
        assert date(year, 4, 15) in found and "Vishu" in found[date(year, 4, 15)]
        assert len(found) >= 25


@pytest.fixture
def upcoming(world, session):
    """The next Kerala holiday at least two days ahead; the centres book a year ahead."""
    for site in (world.site_a, world.site_b):
        site.advance_days = 365
    session.commit()
    today = today_in_kerala()
    for year in (today.year, today.year + 1):
        for holiday in public_holidays.get_kerala_holidays(year):
            if holiday.day >= today + timedelta(days=2):
                return holiday
    raise AssertionError("no holiday ahead")


def confirm(client, holiday, **fields):
    data = {"days": holiday.day.isoformat(), "scope": "all", "handling": "flag",
            "confirm": "1", "csrf_token": csrf_token(client)} | fields
    return client.post(f"/admin/holidays?year={holiday.day.year}", data=data)


def closures_on(reader, day):
    reader.rollback()
    return reader.scalars(select(Closure).where(Closure.starts_on == day)
                          .order_by(Closure.site_id)).all()


def test_the_page_lists_the_years_holidays_as_proposals(client, world, upcoming):
    sign_in(client, world.admin)
    page = client.get(f"/admin/holidays?year={upcoming.day.year}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert upcoming.name.replace("'", "&#39;") in html and format_day(upcoming.day) in html
    assert "Proposed: centres open" in html
    # Hostels stay open on holidays: only centres are offered.
    assert "WNH Kottarakkara" in html and "Technopark Hostel</label>" not in html
    assert client.get("/admin/holidays?year=abc").status_code == 200  # falls back to this year


def test_confirming_closes_every_centre_once_audited_and_reconfirming_adds_nothing(
        client, world, upcoming, reader):
    sign_in(client, world.admin)
    response = confirm(client, upcoming)
    assert response.status_code == 302
    closures = closures_on(reader, upcoming.day)
    assert sorted(c.site_id for c in closures) == sorted([world.site_a.id, world.site_b.id])
    assert all(c.reason == upcoming.name and c.ends_on == upcoming.day and c.room_id is None
               for c in closures)
    entries = reader.scalars(select(AuditEntry).where(AuditEntry.action == "closure.add")).all()
    assert len(entries) == 2 and all(json.loads(e.after)["reason"] == upcoming.name
                                     for e in entries)
    page = client.get(f"/admin/holidays?year={upcoming.day.year}").get_data(as_text=True)
    assert "Confirmed: all centres closed" in page

    again = confirm(client, upcoming)
    assert again.status_code == 302
    assert len(closures_on(reader, upcoming.day)) == 2
    assert "2 were already closed" in client.get(again.location).get_data(as_text=True)


def test_confirming_for_chosen_districts_or_centres_only(client, world, make, session,
                                                        upcoming, reader):
    kollam = make.centre(name="WNH Kollam", slug="kollam", district="Kollam")
    make.centre(name="WNH Kozhikode", slug="kozhikode", district="Kozhikode")
    session.commit()
    sign_in(client, world.admin)
    response = confirm(client, upcoming, scope="chosen", districts="Kollam",
                       sites=str(world.site_b.id))
    assert response.status_code == 302
    closed = {c.site_id for c in closures_on(reader, upcoming.day)}
    kollam_district = {s.id for s in (world.site_a, world.site_b, kollam)
                       if s.district == "Kollam"}
    assert closed == kollam_district | {world.site_b.id}
    assert confirm(client, upcoming, scope="chosen").status_code == 400  # nothing ticked


def test_bad_holiday_forms_get_a_400_never_a_500(client, world, upcoming):
    sign_in(client, world.admin)
    url = f"/admin/holidays?year={upcoming.day.year}"
    token = csrf_token(client)
    nothing = client.post(url, data={"scope": "all", "handling": "flag", "csrf_token": token})
    assert nothing.status_code == 400 and "at least one holiday" in nothing.get_data(as_text=True)
    for bad in ({"days": "2027-13-45"}, {"days": upcoming.day.isoformat(), "sites": "x"},
                {"days": upcoming.day.isoformat(), "scope": "everywhere"}):
        data = {"scope": "all", "handling": "flag", "csrf_token": token} | bad
        assert client.post(url, data=data).status_code == 400, bad


def test_a_closure_over_bookings_follows_the_closure_rules(client, world, make, session,
                                                          upcoming, reader):
    booking = make.desk_booking(member=world.member, site=world.site_a, day=upcoming.day,
                                now=now_in_kerala())
    session.commit()
    sign_in(client, world.admin)
    # Step one shows the booking it would hit and changes nothing.
    preview = client.post(f"/admin/holidays?year={upcoming.day.year}", data={
        "days": upcoming.day.isoformat(), "scope": "all", "handling": "flag",
        "csrf_token": csrf_token(client)})
    assert preview.status_code == 200
    assert "1 live booking on those days" in preview.get_data(as_text=True)
    assert f'value="{upcoming.day.isoformat()}" checked' in preview.get_data(as_text=True)
    assert closures_on(reader, upcoming.day) == []
    # Confirmed with "flag": the booking is kept and needs attention, never dropped.
    response = confirm(client, upcoming, sites=str(world.site_a.id), scope="chosen")
    assert response.status_code == 302 and "status=conflict" in response.location
    reader.rollback()
    kept = reader.get(Booking, booking.id)
    assert kept.status == "live" and upcoming.name in kept.conflict


def test_cancelling_under_a_holiday_tells_the_member_the_holiday(client, world, make, session,
                                                                upcoming, reader):
    booking = make.desk_booking(member=world.member, site=world.site_a, day=upcoming.day,
                                now=now_in_kerala())
    session.commit()
    sign_in(client, world.admin)
    assert confirm(client, upcoming, handling="cancel").status_code == 302
    reader.rollback()
    cancelled = reader.get(Booking, booking.id)
    assert cancelled.status == "cancelled" and cancelled.cancel_reason.startswith(upcoming.name)


def test_the_service_refuses_past_days_and_days_that_are_not_holidays(session, world):
    today = today_in_kerala()
    sites = [world.site_a]
    with pytest.raises(InvalidRequest, match="not a Kerala public holiday"):
        public_holidays.confirm_holidays(session, world.admin, 2027, [date(2027, 12, 24)],
                                         sites, cancel_affected=False, today=date(2026, 1, 1))
    with pytest.raises(InvalidRequest, match="is past"):
        public_holidays.confirm_holidays(session, world.admin, 2026, [date(2026, 1, 26)],
                                         sites, cancel_affected=False, today=date(2026, 6, 1))
    with pytest.raises(InvalidRequest, match="at least one holiday"):
        public_holidays.confirm_holidays(session, world.admin, today.year, [], sites,
                                         cancel_affected=False, today=today)


def test_a_manager_confirms_only_for_their_centres(client, world, upcoming, reader):
    sign_in(client, world.manager_b)
    page = client.get(f"/admin/holidays?year={upcoming.day.year}").get_data(as_text=True)
    assert "WNH Varkala" in page and "WNH Kottarakkara" not in page
    # A hand-typed site they do not run is not a valid choice.
    assert confirm(client, upcoming, scope="chosen",
                   sites=str(world.site_a.id)).status_code == 400
    assert confirm(client, upcoming).status_code == 302
    assert [c.site_id for c in closures_on(reader, upcoming.day)] == [world.site_b.id]


def test_members_see_holidays_on_the_calendar_by_name(client, world, upcoming, session):
    site = world.site_a
    start = upcoming.day.isoformat()
    page = client.get(f"/sites/{site.slug}?from={start}").get_data(as_text=True)
    name = upcoming.name.replace("'", "&#39;")
    assert f"{name}: public holiday, no closure announced" in page
    open_holidays = page.count("no closure announced")

    sign_in(client, world.admin)
    confirm(client, upcoming)
    with client.session_transaction() as s:
        s.clear()
    page = client.get(f"/sites/{site.slug}?from={start}").get_data(as_text=True)
    assert f'<span class="slot-text">{name}</span>' in page  # the closure, with its reason
    assert page.count("no closure announced") == open_holidays - 1
