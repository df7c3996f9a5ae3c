"""Staff booking pages: filter, CSV export, who is in today, cancel on a member's behalf."""
from __future__ import annotations

import csv
import io
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import AuditEntry, Booking, DayPart
from booking.services.admin import bookings as admin_bookings
from booking.services.admin.bookings import BookingFilter
from booking.services.dates import at_kerala
from booking.services.errors import InvalidRequest
from tests.admin.conftest import csrf_token, sign_in


@pytest.fixture
def bookings(world, make, session):
    """Three bookings at site A (one cancelled), one at B, one hostel stay arriving today."""
    now, today = now_in_kerala(), today_in_kerala()
    day = today + timedelta(days=2)
    asha = make.member(name="Asha Nair", email="asha@example.org", password=None)
    a1 = make.desk_booking(member=asha, site=world.site_a, day=day, now=now)
    a2 = make.desk_booking(member=world.member, site=world.site_a, day=day,
                           part=DayPart.MORNING, now=now)
    a3 = make.desk_booking(member=world.member, site=world.site_a, day=day + timedelta(days=1),
                           now=now)
    from booking.services.bookings.member import cancel_booking
    cancel_booking(session, a3, world.member, now=now)
    b1 = make.desk_booking(member=asha, site=world.site_b, day=day + timedelta(days=3), now=now)
    stay = make.bed_booking(member=world.member, site=world.hostel, check_in=today, nights=2,
                            now=now.replace(hour=9, minute=0))
    session.commit()
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "stay": stay, "day": day}


def ids(rows):
    return sorted(b.id for b in rows)


def test_filters_combine_site_dates_member_and_status(session, world, bookings):
    b = bookings
    found, total = admin_bookings.search_bookings(session, BookingFilter(site_ids=None,
                                                                         site_id=world.site_a.id))
    assert ids(found) == ids([b["a1"], b["a2"], b["a3"]]) and total == 3
    found, _ = admin_bookings.search_bookings(session, BookingFilter(
        site_ids=None, site_id=world.site_a.id, status="live"))
    assert ids(found) == ids([b["a1"], b["a2"]])
    found, _ = admin_bookings.search_bookings(session, BookingFilter(site_ids=None, member="ASHA"))
    assert ids(found) == ids([b["a1"], b["b1"]])
    found, _ = admin_bookings.search_bookings(session, BookingFilter(
        site_ids=None, first=b["day"] + timedelta(days=1), last=b["day"] + timedelta(days=1)))
    assert ids(found) == ids([b["a3"]])


def test_a_manager_filter_never_reaches_other_sites(session, world, bookings):
    found, _ = admin_bookings.search_bookings(session, BookingFilter(
        site_ids=[world.site_b.id], member="asha"))
    assert ids(found) == [bookings["b1"].id]


def test_a_reversed_date_range_is_refused(session):
    today = today_in_kerala()
    with pytest.raises(InvalidRequest):
        admin_bookings.search_bookings(session, BookingFilter(site_ids=None, first=today,
                                                              last=today - timedelta(days=1)))


def test_the_csv_export_holds_exactly_the_filtered_bookings(client, world, bookings):
    sign_in(client, world.admin)
    response = client.get(f"/admin/bookings.csv?site={world.site_a.id}&status=live")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [int(r["booking_id"]) for r in rows] == ids([bookings["a1"], bookings["a2"]])
    first = next(r for r in rows if int(r["booking_id"]) == bookings["a1"].id)
    assert first["site"] == "kottarakkara" and first["member"] == "Asha Nair"
    assert first["email"] == "asha@example.org" and first["part"] == "full"
    assert first["starts_on"] == bookings["day"].isoformat() and first["status"] == "live"


def test_the_csv_export_defuses_spreadsheet_formulas():
    text = "".join(admin_bookings.to_csv([["1", "=HYPERLINK(\"x\")", "+1", "ok"]]))
    assert "'=HYPERLINK" in text and "'+1" in text and ',"ok"' in text


@pytest.mark.parametrize("cell", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "\n=1+1", "\x00=1", "\uff1d1+1",
    "\uff0b1", "\uff0d1", "\uff20SUM(A1)"])
def test_a_cell_starting_with_any_owasp_formula_sign_is_read_back_as_text(cell):
    text = "".join(admin_bookings.to_csv([["1", cell, "Onam"]]))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["1", "'" + cell, "Onam"]  # one cell each, the quote in front


def test_every_cell_is_quoted_so_a_separator_cannot_start_a_new_cell():
    text = "".join(admin_bookings.to_csv([["1", 'Closed, "Onam"\r\n=2+2', "x"]]))
    assert text.splitlines()[1].startswith('"1","Closed, ""Onam""')
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1][1] == 'Closed, "Onam"\r\n=2+2'


def test_a_bad_filter_gets_a_clear_400_not_a_500(client, world):
    sign_in(client, world.admin)
    assert client.get("/admin/bookings?first=not-a-date").status_code == 400
    assert client.get("/admin/bookings.csv?first=2026-12-10&last=2026-12-01").status_code == 400


def test_the_day_sheet_shows_who_is_in_and_who_arrives(session, world, bookings, client):
    today = today_in_kerala()
    sheet = admin_bookings.get_day_sheet(session, world.hostel, today)
    assert [b.id for b in sheet.arrivals] == [bookings["stay"].id] == [b.id for b in sheet.in_today]
    tomorrow = admin_bookings.get_day_sheet(session, world.hostel, today + timedelta(days=1))
    assert tomorrow.arrivals == [] and [b.id for b in tomorrow.in_today] == [bookings["stay"].id]
    session.commit()  # the page writes its audit entry: leave SQLite's write lock free
    sign_in(client, world.manager_a)
    html = client.get(f"/admin/sites/{world.hostel.id}/today").get_data(as_text=True)
    assert "Meera Member" in html


def test_a_reason_typed_with_control_characters_is_kept_without_them_and_exports_as_text(
        client, world, bookings, reader):
    sign_in(client, world.manager_a)
    booking_id = bookings["a1"].id
    response = client.post(f"/admin/bookings/{booking_id}/cancel", data={
        "reason": "\t=HYPERLINK(\"http://x\")\x1b[2J\r\nclosed", "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert reader.get(Booking, booking_id).cancel_reason == '=HYPERLINK("http://x")[2J closed'
    export = client.get(f"/admin/bookings.csv?site={world.site_a.id}&status=cancelled")
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert "'=HYPERLINK(\"http://x\")[2J closed" in [r["cancel_reason"] for r in rows]


def test_a_manager_cancels_for_a_member_with_a_reason(client, world, bookings, reader):
    sign_in(client, world.manager_a)
    booking_id = bookings["a1"].id
    response = client.post(f"/admin/bookings/{booking_id}/cancel",
                           data={"reason": "Power outage at the centre",
                                 "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    booking = reader.get(Booking, booking_id)
    assert booking.status == "cancelled" and booking.cancel_reason == "Power outage at the centre"
    assert booking.cancelled_by_id == world.manager_a.id
    entry = reader.scalar(select(AuditEntry).where(AuditEntry.action == "booking.cancel"))
    assert entry.actor_id == world.manager_a.id and entry.target == f"booking:{booking_id}"
    # Cancelling twice is a form error, not a 500.
    again = client.post(f"/admin/bookings/{booking_id}/cancel",
                        data={"reason": "again", "csrf_token": csrf_token(client)})
    assert again.status_code == 400 and "already cancelled" in again.get_data(as_text=True)


def test_a_cancellation_needs_a_reason(client, world, bookings):
    sign_in(client, world.admin)
    response = client.post(f"/admin/bookings/{bookings['a1'].id}/cancel",
                           data={"reason": "", "csrf_token": csrf_token(client)})
    assert response.status_code == 400


def test_a_flagged_booking_tells_staff_it_needs_attention_and_what_to_do(client, world, make,
                                                                          session):
    from booking.services.sites import capacity
    day = today_in_kerala() + timedelta(days=2)
    booking = make.desk_booking(member=world.member, site=world.site_b, day=day,
                                now=now_in_kerala())
    for desk in world.site_b.desks:
        capacity.retire_desk(session, desk, day, None)
    session.commit()
    sign_in(client, world.admin)

    page = client.get(f"/admin/bookings/{booking.id}").get_data(as_text=True)
    heading = page[page.index("<h1>"):page.index("</h1>")]
    assert "needs attention" in heading and "live" not in heading
    assert "retired from" in page and "The member has been told that staff will contact them" in page


# ---------------------------------------------------------------- ending early

@pytest.fixture
def staying(world, make, session, monkeypatch):
    """Meera checked in yesterday for 4 nights; the admin pages' clock says 10:00 today."""
    today = today_in_kerala()
    stay = make.bed_booking(member=world.member, site=world.hostel,
                            check_in=today - timedelta(days=1), nights=4,
                            now=at_kerala(today - timedelta(days=1), time(9)))
    session.commit()
    monkeypatch.setattr("booking.admin.bookings.now_in_kerala",
                        lambda: at_kerala(today, time(10)))
    return stay


def test_a_manager_ends_a_stay_early_for_a_member_who_left(client, world, staying, reader):
    sign_in(client, world.manager_a)
    url = f"/admin/bookings/{staying.id}"
    page = client.get(url).get_data(as_text=True)
    assert "End early on the member's behalf" in page and "gives back 3 nights" in page
    response = client.post(f"{url}/end", data={"end-reason": "Member left for home",
                                               "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    booking = reader.get(Booking, staying.id)
    assert booking.ends_on == today_in_kerala() and booking.original_ends_on is not None
    assert booking.events[-1].kind == "ended" and booking.events[-1].actor_id == world.manager_a.id
    assert booking.events[-1].detail.endswith("Member left for home")
    entry = reader.scalar(select(AuditEntry).where(AuditEntry.action == "booking.end_early"))
    assert entry.actor_id == world.manager_a.id and entry.target == f"booking:{staying.id}"
    page = client.get(url).get_data(as_text=True)
    assert "End early on the member's behalf" not in page  # nothing left to end


def test_ending_early_needs_a_reason_and_a_manager_of_that_site(client, world, staying, reader):
    sign_in(client, world.manager_a)
    url = f"/admin/bookings/{staying.id}"
    response = client.post(f"{url}/end", data={"end-reason": "",
                                               "csrf_token": csrf_token(client, url)})
    assert response.status_code == 400
    sign_in(client, world.manager_b)
    response = client.post(f"{url}/end", data={"end-reason": "Left",
                                               "csrf_token": csrf_token(client)})
    assert response.status_code == 404
    assert reader.get(Booking, staying.id).ended_early_at is None
