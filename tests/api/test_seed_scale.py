"""seed-scale: bulk bookings and cells that agree with each other and with the API."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from booking.clock import now_in_kerala
from booking.models import BedNight, Booking, DayPart, DeskCell, Site, SiteRevision
from booking.seed_scale import part_odds
from booking.services.sites.catalogue import AvailabilityCache, get_site_availability, \
    get_uncached_availability


def test_part_odds_give_the_occupancy_asked_for():
    for occupancy in (0.05, 0.3, 0.6, 0.8, 0.95):
        full, half = part_odds(occupancy)
        assert abs(full + half - occupancy) < 1e-9 and full + 2 * half <= 1


def test_a_small_scale_dataset_is_consistent(app, db):
    result = app.test_cli_runner().invoke(args=[
        "seed-scale", "--centres", "3", "--desks", "4", "--hostels", "1", "--beds", "10",
        "--days", "20", "--occupancy", "0.6"])
    assert result.exit_code == 0, result.output
    with db.reader() as session:
        live = session.scalars(select(Booking)).all()
        expected, actual = Counter(), Counter()
        for b in live:
            if b.desk_id:
                for half in DayPart(b.part).cells:
                    expected[("desk", b.desk_id, b.starts_on, half, b.member_id)] += 1
            else:
                for i in range(b.nights):
                    expected[("bed", b.bed_id, b.starts_on + timedelta(days=i), b.member_id)] += 1
        for c in session.scalars(select(DeskCell)):
            actual[("desk", c.desk_id, c.held_on, c.part, c.member_id)] += 1
        for n in session.scalars(select(BedNight)):
            actual[("bed", n.bed_id, n.night_on, n.member_id)] += 1
        assert actual == expected and len(live) > 50
        sites = session.scalars(select(Site)).all()
        assert session.scalar(select(func.count()).select_from(SiteRevision)) == len(sites)
        now = now_in_kerala()
        first, last = now.date() - timedelta(days=10), now.date() + timedelta(days=5)
        for site in sites:
            cached = get_site_availability(session, site.slug, first, last, now,
                                           AvailabilityCache())
            assert cached.days == get_uncached_availability(session, site, first, last, now)
    again = app.test_cli_runner().invoke(args=["seed-scale", "--centres", "1"])
    assert again.exit_code != 0 and "already has scale data" in again.output
