"""Staff see waitlist length on the day sheet and dashboard; staff cancelling fills it."""
from __future__ import annotations

from datetime import timedelta

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import Booking, DayPart, WaitlistEntry
from booking.services.admin import bookings as admin_bookings
from booking.services.bookings.book import DeskRequest, StayRequest
from booking.services.bookings.waitlist import join_waitlist

from .conftest import csrf_token, sign_in


def _fill_and_wait(make, session, site, day, waiting: int):
    """Book every desk of ``site`` on ``day`` and put ``waiting`` members on its waitlist."""
    for _desk in site.desks:
        make.desk_booking(make.member(), site, day, now=now_in_kerala())
    return [join_waitlist(session, make.member(), DeskRequest(site, day, DayPart.FULL),
                          now_in_kerala()) for _ in range(waiting)]


def test_the_day_sheet_shows_waitlist_length_by_part(session, world, make, client):
    day = today_in_kerala() + timedelta(days=2)
    _fill_and_wait(make, session, world.site_a, day, waiting=2)
    sheet = admin_bookings.get_day_sheet(session, world.site_a, day)
    assert sheet.waiting == {"full": 2}
    session.commit()
    sign_in(client, world.manager_a)
    html = client.get(f"/admin/sites/{world.site_a.id}/today?day={day}").get_data(as_text=True)
    table = html.split('class="data waitlist-lengths"')[1].split("</table>")[0]
    assert "Full day" in table and '<td class="num">2</td>' in table


def test_a_hostel_day_sheet_counts_stays_waiting_that_night(session, world, make):
    check_in = today_in_kerala() + timedelta(days=2)
    for _ in range(4):
        make.bed_booking(make.member(), world.hostel, check_in, nights=2, now=now_in_kerala())
    join_waitlist(session, make.member(), StayRequest(world.hostel, check_in,
                                                      check_in + timedelta(days=1)),
                  now_in_kerala())
    assert admin_bookings.get_day_sheet(session, world.hostel, check_in).waiting == {"nights": 1}
    later = admin_bookings.get_day_sheet(session, world.hostel, check_in + timedelta(days=1))
    assert later.waiting == {}


def test_the_dashboard_counts_waiting_per_site_for_the_staff_who_see_it(session, world, make,
                                                                        client):
    day = today_in_kerala() + timedelta(days=2)
    _fill_and_wait(make, session, world.site_a, day, waiting=3)
    _fill_and_wait(make, session, world.site_b, day, waiting=1)
    session.commit()
    sign_in(client, world.admin)
    response = client.get("/admin/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    rows = {name: html.split(name)[1].split("</tr>")[0] for name in ("WNH Kottarakkara",
                                                                    "WNH Varkala")}
    assert rows["WNH Kottarakkara"].rstrip().endswith('<td class="num">3</td>')
    assert rows["WNH Varkala"].rstrip().endswith('<td class="num">1</td>')


def test_staff_cancelling_books_the_first_in_line(session, world, make, client, reader):
    day = today_in_kerala() + timedelta(days=2)
    first, _second = _fill_and_wait(make, session, world.site_b, day, waiting=2)
    booking_id = session.query(Booking.id).filter(Booking.site_id == world.site_b.id).first()[0]
    first_id = first.id
    session.commit()
    sign_in(client, world.manager_b)
    response = client.post(f"/admin/bookings/{booking_id}/cancel",
                           data={"reason": "Member asked by phone",
                                 "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    entry = reader.get(WaitlistEntry, first_id)
    assert entry.status == "filled" and reader.get(Booking, entry.booking_id).is_live
