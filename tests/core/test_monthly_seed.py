"""seed-demo: the demo hostels take monthly stays, and a couple are booked."""
from __future__ import annotations

from sqlalchemy import select

from booking.models import Booking, Site


def test_seed_demo_offers_and_books_monthly_stays(app, db):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with db.reader() as s:
        hostels = s.scalars(select(Site).where(Site.kind == "hostel")).all()
        assert hostels and all(h.offers_monthly and h.offers_nightly for h in hostels)
        assert {(h.min_months, h.notice_days, h.longest_stay_months) for h in hostels} == {
            (1, 30, 12)}
        stays = s.scalars(select(Booking).where(Booking.stay_kind == "monthly")).all()
        demo_members = [b for b in stays if b.member.email in (
            "anjali@example.org", "fathima@example.org")]  # the residents' stays: seed_residents
        assert sorted((b.months or 0) for b in demo_members) == [0, 3]
        assert all(b.nights > 28 and b.is_live for b in stays)
