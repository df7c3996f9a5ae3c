"""Occupancy: utilisation per site per day from a few set-based queries, and the dashboard."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import event

from booking.models import DayPart
from booking.services.sites import capacity, occupancy
from booking.services.bookings.availability import ClosureSpan
from tests.admin.conftest import sign_in
from tests.conftest import TODAY

DAY = TODAY + timedelta(days=1)


class FakeSite:
    id, slug, name, district, status, opening_days = 1, "s", "S", "Kollam", "open", "012345"
    kind = "centre"
    is_hostel = False

    def is_open_weekday(self, day):
        return str(day.weekday()) in self.opening_days


def test_build_site_use_counts_half_days_and_skips_closed_days():
    monday = date(2026, 12, 7)
    taken = Counter({(monday, "morning"): 4, (monday, "afternoon"): 1})
    closures = [ClosureSpan(monday + timedelta(days=1), monday + timedelta(days=1), "Holiday")]
    retirements = Counter({None: 4, monday + timedelta(days=2): 1})  # 5 desks, one retiring
    use = occupancy.build_site_use(FakeSite(), monday, monday + timedelta(days=6), retirements,
                                   closures, taken)
    monday_use, tuesday, wednesday, sunday = use.days[0], use.days[1], use.days[2], use.days[6]
    assert (monday_use.capacity, monday_use.used, monday_use.units) == (5, 5, 10)
    assert monday_use.utilisation == 0.5 and monday_use.part_utilisation("morning") == 0.8
    assert tuesday.capacity == 0 and tuesday.closed_reason == "Holiday"
    assert wednesday.capacity == 4  # the retired desk no longer counts
    assert sunday.capacity == 0  # weekly holiday
    assert use.full_days == 0 and use.units == 10 + 4 * 2 * 4


def test_occupancy_of_desks_and_beds_matches_the_bookings(session, make):
    centre = make.centre(desks=2)
    hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", 4),))
    make.desk_booking(site=centre, day=DAY)
    make.desk_booking(site=centre, day=DAY, part=DayPart.MORNING)
    make.bed_booking(site=hostel, check_in=DAY, nights=2)
    uses = {u.slug: u for u in occupancy.get_occupancy(session, DAY, DAY + timedelta(days=1))}
    desk_day = uses[centre.slug].days[0]
    assert desk_day.taken == {"morning": 2, "afternoon": 1} and desk_day.capacity == 2
    assert uses[centre.slug].full_days == 1  # the morning was fully booked
    assert [d.taken["night"] for d in uses[hostel.slug].days] == [1, 1]
    assert uses[hostel.slug].utilisation == 2 / 8
    ranked = occupancy.rank_sites(list(uses.values()))
    assert ranked[0].slug == centre.slug


def test_occupancy_takes_a_fixed_number_of_queries_whatever_the_number_of_sites(session, make, db):
    for _ in range(6):
        make.centre(desks=2)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        uses = occupancy.get_occupancy(session, DAY, DAY + timedelta(days=30))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(uses) == 6 and len(statements) <= 9


def test_a_closed_day_has_no_capacity_and_held_cells_on_retired_desks_do_not_count(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    make.desk_booking(site=site, day=DAY, desk=site.desks[0].label)
    make.desk_booking(site=site, day=DAY, desk=site.desks[1].label)
    change = capacity.retire_desk(session, site.desks[0], DAY, admin)
    assert len(change.conflicts) == 1  # still holds its cells on the retired desk
    capacity.add_closure(session, site, DAY + timedelta(days=1), DAY + timedelta(days=1))
    [use] = occupancy.get_occupancy(session, DAY, DAY + timedelta(days=1), [site.id])
    assert use.days[0].capacity == 1 and use.days[0].taken == {"morning": 1, "afternoon": 1}
    assert use.days[1].capacity == 0 and use.days[1].closed_reason


def test_the_dashboard_ranks_sites_and_draws_svg_charts(client, world, make, session):
    from booking.clock import now_in_kerala, today_in_kerala
    make.desk_booking(site=world.site_b, day=today_in_kerala() + timedelta(days=1),
                      now=now_in_kerala())
    session.commit()
    sign_in(client, world.admin)
    html = client.get("/admin/").get_data(as_text=True)
    assert html.index("WNH Varkala") < html.index("WNH Kottarakkara")  # busiest first
    assert "<svg" in html and 'class="bar desks"' in html
    site_html = client.get(f"/admin/sites/{world.site_b.id}/occupancy").get_data(as_text=True)
    assert 'class="bar morning"' in site_html and "The numbers behind the chart" in site_html


def test_a_period_longer_than_the_limit_is_a_400(client, world):
    sign_in(client, world.admin)
    response = client.get("/admin/?first=2026-01-01&last=2027-12-31")
    assert response.status_code == 400 and "at most 92 days" in response.get_data(as_text=True)


def test_a_closed_room_takes_its_beds_out_of_capacity(session, make):
    hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", 4), ("R2", "dormitory", "anyone", 2)))
    capacity.add_closure(session, hostel, DAY, DAY, reason="Painting", room=hostel.rooms[0])
    [use] = occupancy.get_occupancy(session, DAY, DAY + timedelta(days=1), [hostel.id])
    assert [d.capacity for d in use.days] == [2, 6]
