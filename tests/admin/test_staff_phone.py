"""Staff see a member's phone where they need it, and every such view is audited."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import AuditEntry
from booking.services.admin import bookings as admin_bookings
from tests.admin.conftest import sign_in

MALAYALAM_NAME = "അനുപമ നായർ"


@pytest.fixture
def booked(world, make, session):
    """A member with a phone (and a Malayalam name) in today at site A, one without."""
    anu = make.member(name=MALAYALAM_NAME, phone="+91 94470 12345", password=None)
    today = today_in_kerala()
    with_phone = make.desk_booking(member=anu, site=world.site_a, day=today + timedelta(days=1),
                                   now=now_in_kerala())
    without = make.desk_booking(member=world.member, site=world.site_a,
                                day=today + timedelta(days=1), now=now_in_kerala())
    session.commit()
    return {"anu": anu, "with_phone": with_phone, "without": without,
            "day": today + timedelta(days=1)}


def views(reader) -> list[AuditEntry]:
    reader.rollback()
    return reader.scalars(select(AuditEntry).where(AuditEntry.action == "personal.view")
                          .order_by(AuditEntry.id)).all()


def test_the_day_sheet_shows_phones_as_call_links_and_the_view_is_audited(
        client, world, booked, reader):
    sign_in(client, world.manager_a)
    day = booked["day"].isoformat()
    page = client.get(f"/admin/sites/{world.site_a.id}/today?day={day}").get_data(as_text=True)
    assert '<a href="tel:+919447012345">+91 94470 12345</a>' in page
    assert "no phone" in page  # the member without one
    [entry] = views(reader)
    assert entry.actor_id == world.manager_a.id and entry.site_id == world.site_a.id
    assert entry.target == f"day:{day}"
    assert json.loads(entry.after) == {"page": "day", "fields": ["phone"],
                                       "members": [booked["anu"].id]}


def test_a_day_sheet_without_phones_records_no_view(client, world, booked, reader):
    sign_in(client, world.manager_a)
    client.get(f"/admin/sites/{world.hostel.id}/today")
    assert views(reader) == []


def test_the_booking_detail_shows_the_phone_and_audits_it(client, world, booked, reader):
    sign_in(client, world.admin)
    booking = booked["with_phone"]
    page = client.get(f"/admin/bookings/{booking.id}").get_data(as_text=True)
    assert 'href="tel:+919447012345"' in page
    [entry] = views(reader)
    assert entry.target == f"booking:{booking.id}" and entry.actor_id == world.admin.id
    client.get(f"/admin/bookings/{booked['without'].id}")
    assert len(views(reader)) == 1  # nothing personal shown, nothing recorded


def test_the_csv_starts_with_a_bom_carries_the_phone_and_keeps_malayalam(
        client, world, booked, reader):
    sign_in(client, world.admin)
    response = client.get(f"/admin/bookings.csv?site={world.site_a.id}")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["booking_id"] == str(booked["with_phone"].id))
    assert mine["member"] == MALAYALAM_NAME
    # A leading + would make a spreadsheet read a formula; the cell is defused as before.
    assert mine["phone"] == "'+91 94470 12345"
    other = next(r for r in rows if r["booking_id"] == str(booked["without"].id))
    assert other["phone"] == ""
    [entry] = views(reader)
    assert json.loads(entry.after)["page"] == "export"
    assert json.loads(entry.after)["members"] == [booked["anu"].id]


def test_the_bom_comes_once_even_when_the_csv_streams_in_chunks():
    rows = [[str(n), "x" * 200] for n in range(400)]
    text = "".join(admin_bookings.to_csv(rows))
    assert text.startswith("\ufeff\"booking_id\",") and text.count("\ufeff") == 1
