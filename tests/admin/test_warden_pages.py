"""The warden's pages at a hostel: the day page, arrival, departure and the move form,
and who may use each (that hostel's managers and admins only)."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking.clock import KOLKATA
from booking.models import AuditEntry, Bed, BedNight, Booking, BookingMove
from booking.services.bookings.book import book_bed
from tests.admin.conftest import csrf_token, sign_in
from tests.conftest import NOW, TODAY

WHO = ("admin", "manager_a", "manager_b", "member", "anonymous")
HOSTEL_PAGE = {"admin": 200, "manager_a": 200, "manager_b": 404, "member": 404,
               "anonymous": 302}
LATER = datetime.combine(TODAY, time(15, 30), tzinfo=KOLKATA)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("booking.admin.warden.now_in_kerala", lambda: LATER)
    monkeypatch.setattr("booking.admin.warden.today_in_kerala", lambda: TODAY)


@pytest.fixture
def stays(world, make, session):
    """Meera arrives today in R1-1; Ravi has been in R2-1 since two days ago."""
    hostel = world.hostel
    arriving = book_bed(session, world.member, hostel, TODAY, TODAY + timedelta(days=3), "R1-1",
                        now=NOW - timedelta(days=1))
    ravi = make.member(name="Ravi Resident")
    ravi.phone = "+91 94470 10009"  # the page shows it: the view is audited
    staying = book_bed(session, ravi, hostel, TODAY - timedelta(days=2), TODAY + timedelta(days=4),
                       "R2-1", now=NOW - timedelta(days=3))
    staying.checked_in_at = NOW - timedelta(days=2)
    session.commit()
    return arriving.id, staying.id


def _client_for(who, world, client):
    if who != "anonymous":
        sign_in(client, getattr(world, who))
    return client


def _url(world):
    return f"/admin/sites/{world.hostel.id}/hostel"


@pytest.mark.parametrize("who", WHO)
def test_the_day_page_is_for_that_hostels_staff(world, client, stays, who):
    response = _client_for(who, world, client).get(_url(world))
    assert response.status_code == HOSTEL_PAGE[who]
    if response.status_code == 200:
        page = response.get_data(as_text=True)
        assert "Meera Member" in page and "Ravi Resident" in page
        assert "Mark arrival" in page and "Mark departure" in page
        assert re.search(r"<strong>2</strong> of 4 beds free", page)


@pytest.mark.parametrize("who", WHO)
def test_the_move_page_is_for_that_hostels_staff(world, client, stays, who):
    response = _client_for(who, world, client).get(f"/admin/stays/{stays[1]}/move")
    assert response.status_code == HOSTEL_PAGE[who]


def test_a_centre_has_no_hostel_page_and_hostels_link_to_theirs(world, client):
    sign_in(client, world.admin)
    centre = client.get(f"/admin/sites/{world.site_a.id}/hostel")
    assert centre.status_code == 302 and centre.location.endswith(
        f"/admin/sites/{world.site_a.id}/today")
    overview = client.get(f"/admin/sites/{world.hostel.id}").get_data(as_text=True)
    assert _url(world) in overview


def test_another_sites_warden_cannot_act(world, client, stays, reader):
    sign_in(client, world.manager_b)
    token = csrf_token(client)
    for path in ("arrive", "depart"):
        assert client.post(f"/admin/stays/{stays[0]}/{path}",
                           data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/stays/{stays[1]}/move", data={
        "csrf_token": token, "bed": 1, "first_night": TODAY.isoformat()}).status_code == 404
    reader.rollback()
    assert reader.get(Booking, stays[0]).checked_in_at is None


def test_arrival_then_departure_from_the_page(world, client, stays, reader):
    sign_in(client, world.manager_a)
    token = csrf_token(client, _url(world))
    response = client.post(f"/admin/stays/{stays[0]}/arrive", data={"csrf_token": token},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Meera Member has arrived (bed R1-1)." in page and "arrived" in page
    again = client.post(f"/admin/stays/{stays[0]}/arrive", data={"csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)
    assert "arrived already" in again
    # Ravi leaves two nights early: tonight is kept (after check-out time), the rest freed.
    left = client.post(f"/admin/stays/{stays[1]}/depart", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "Ravi Resident has left" in left
    reader.rollback()
    ravi = reader.get(Booking, stays[1])
    assert ravi.has_departed and ravi.ends_on == TODAY + timedelta(days=1)
    actions = set(reader.scalars(select(AuditEntry.action)))
    assert {"booking.arrive", "booking.depart", "personal.view"} <= actions


def _move(client, token, booking_id, bed_id, first_night):
    return client.post(f"/admin/stays/{booking_id}/move", data={
        "csrf_token": token, "bed": bed_id, "first_night": first_night.isoformat(),
        "reason": "Quieter room"})


def test_a_move_from_the_page_and_its_refusals_next_to_the_field(world, client, stays,
                                                                 reader):
    sign_in(client, world.manager_a)
    token = csrf_token(client, _url(world))
    beds = {b.label: b.id for b in reader.scalars(select(Bed))}
    # Taken: R1-1 is Meera's from today.
    refused = _move(client, token, stays[1], beds["R1-1"], TODAY)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(r'id="bed-error">Bed R1-1 is taken on the night of', page)
    # Outside the stay.
    refused = _move(client, token, stays[1], beds["R1-2"], TODAY + timedelta(days=9))
    assert refused.status_code == 422
    assert 'id="first_night-error">Choose a first night' in refused.get_data(as_text=True)
    # The same bed is not offered (the service refuses it too, see tests/core/test_warden.py).
    refused = _move(client, token, stays[1], beds["R2-1"], TODAY)
    assert refused.status_code == 422 and 'id="bed-error"' in refused.get_data(as_text=True)
    reader.rollback()
    assert reader.scalars(select(BookingMove)).all() == []
    done = _move(client, token, stays[1], beds["R1-2"], TODAY + timedelta(days=1))
    assert done.status_code == 303
    reader.rollback()
    ravi = reader.get(Booking, stays[1])
    assert ravi.bed.label == "R1-2"
    assert [(n.night_on, n.bed_id) for n in reader.scalars(
        select(BedNight).where(BedNight.booking_id == ravi.id).order_by(BedNight.night_on))][-1] \
        == (TODAY + timedelta(days=3), beds["R1-2"])
    assert [e.kind for e in ravi.events][-1] == "moved"
    day = client.get(_url(world)).get_data(as_text=True)
    assert "moves to bed R1-2" in day


def test_a_garbled_move_form_is_a_form_error_not_a_500(world, client, stays):
    sign_in(client, world.manager_a)
    token = csrf_token(client, _url(world))
    for data in ({"bed": "x", "first_night": "soon"}, {"bed": 999999, "first_night": "2026-12-02"},
                 {}):
        response = client.post(f"/admin/stays/{stays[1]}/move", data={"csrf_token": token, **data})
        assert response.status_code in (400, 422), data
