"""seed-demo: the demo hostels have tariffs, and the monthly stays have receipts."""
from __future__ import annotations

from sqlalchemy import select

from booking.models import Booking, Payment, Site, Tariff
from booking.services.money.dues import dues_for


def test_seed_demo_prices_the_hostels_and_records_payments(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # a second run adds nothing
    with db.reader() as s:
        technopark = s.scalar(select(Site).where(Site.slug == "technopark-hostel"))
        [tariff] = s.scalars(select(Tariff).where(Tariff.site_id == technopark.id)).all()
        assert (tariff.per_month_paise, tariff.per_night_paise, tariff.deposit_paise) == (
            750000, 40000, 1000000)
        assert s.scalar(select(Tariff).where(Tariff.site_id != technopark.id))
        stays = s.scalars(select(Booking).where(Booking.stay_kind == "monthly")).all()
        payments = s.scalars(select(Payment)).all()
        # The two demo members' stays have paid; the seeded residents' stays have not.
        paid = {p.booking_id for p in payments}
        assert len(payments) == 2 and paid <= {b.id for b in stays}
        for stay in (b for b in stays if b.id in paid):
            dues = dues_for(s, stay)
            assert dues[0]["what"] == "deposit" and dues[0]["paid_paise"] == dues[0]["amount_paise"]
