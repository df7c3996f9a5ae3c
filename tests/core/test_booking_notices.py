"""Booking notices: each change writes exactly the right outbox rows, in its own transaction.

Services are called as the pages call them; the rows are read back and their
stored messages parsed (headers, both parts, the calendar file with icalendar).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
from icalendar import Calendar
from sqlalchemy import select

from booking.clock import KOLKATA
from booking.models import DayPart, OutboxMessage
from booking.services.admin.bookings import cancel_for_member
from booking.services.bookings.book import book_desk
from booking.services.bookings.ending import end_booking_early, end_early_for_member
from booking.services.bookings.member import cancel_booking
from booking.services.errors import NoLongerAvailable, SiteClosedOn
from booking.services.notices import preferences
from booking.services.notices.settings import MailSettings
from booking.services.accounts import roles
from booking.services.sites import admin as sites_admin
from tests.conftest import NOW, TODAY

TOMORROW = TODAY + timedelta(days=1)
SETTINGS = MailSettings(sender="Kerala WNH Booking <no-reply@booking.example.org>",
                        public_url="https://booking.example.org", secret_key="notice-test")


@pytest.fixture(autouse=True)
def mail_settings(session):
    session.info["mail"] = SETTINGS


@pytest.fixture
def asha(make):
    return make.member(email="asha@example.org", name="Asha Varghese")


@pytest.fixture
def centre(make):
    return make.centre(desks=2, name="WNH Kottarakkara", opens_at=time(8, 30),
                       closes_at=time(18), address="College Road\nKottarakkara 691506")


@pytest.fixture
def staff(make, session, centre):
    admin = make.member(role="admin", name="Admin Person")
    manager = make.member(name="Rajan Pillai")
    roles.set_role(session, admin, manager, "manager", [centre.id])
    return manager


def rows(session, kind: str | None = None) -> list[OutboxMessage]:
    session.flush()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(session.scalars(query))


def parsed(row: OutboxMessage):
    return message_from_bytes(row.message, policy=policy.default)


def text_of(row: OutboxMessage) -> str:
    return parsed(row).get_body(("plain",)).get_content()


def calendar_of(row: OutboxMessage) -> tuple[str, object]:
    (attachment,) = list(parsed(row).iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    assert attachment.get_param("method") == calendar["METHOD"]
    return str(calendar["METHOD"]), event


# ---------------------------------------------------------------- confirmations

def test_booking_a_desk_writes_one_confirmation_with_times_in_kerala_and_the_calendar_file(
        session, make, asha, centre):
    booking = make.desk_booking(member=asha, site=centre, day=TOMORROW, part=DayPart.MORNING)

    (row,) = rows(session)
    assert (row.kind, row.user_id, row.to_address, row.status) == (
        "booking_confirmed", asha.id, "asha@example.org", "pending")
    assert row.subject == "Booked: WNH Kottarakkara, Wed 2 Dec 2026, morning"
    body = text_of(row)
    assert "Hello Asha Varghese" in body and "WNH Kottarakkara, Desk A01" in body
    assert "Wednesday 2 Dec 2026, morning (08:30–13:00, Kerala time)" in body
    assert "College Road, Kottarakkara 691506" in body
    assert f"https://booking.example.org/bookings/{booking.id}" in body
    assert f'href="https://booking.example.org/bookings/{booking.id}"' in \
        parsed(row).get_body(("html",)).get_content()
    method, event = calendar_of(row)
    assert method == "PUBLISH" and event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime.combine(TOMORROW, time(8, 30), tzinfo=KOLKATA)


def test_booking_a_bed_says_room_bed_check_in_and_check_out(session, make, asha):
    hostel = make.hostel(name="Technopark Hostel", rooms=(("R1", "dormitory", "anyone", 2),))
    make.bed_booking(member=asha, site=hostel, check_in=TOMORROW, nights=3)

    (row,) = rows(session)
    body = text_of(row)
    assert "Technopark Hostel, Room R1, bed R1-1" in body
    assert "Check in: Wednesday 2 Dec 2026, from 14:00" in body
    assert "Check out: Saturday 5 Dec 2026, by 11:00 (3 nights)" in body
    _, event = calendar_of(row)
    assert event.decoded("DTSTART") == TOMORROW and event.decoded("DTEND") == date(2026, 12, 5)


def test_a_refused_booking_writes_nothing(session, make, asha, centre):
    make.desk_booking(site=centre, day=TOMORROW, desk="A01")
    before = len(rows(session))
    with pytest.raises(NoLongerAvailable):
        book_desk(session, asha, centre, TOMORROW, DayPart.FULL, "A01", now=NOW)
    sites_admin.add_closure(session, make.member(role="admin"), centre, TOMORROW + timedelta(1),
                            TOMORROW + timedelta(1), reason="Onam", room=None,
                            cancel_affected=False, today=TODAY)
    with pytest.raises(SiteClosedOn):
        book_desk(session, asha, centre, TOMORROW + timedelta(1), DayPart.FULL, now=NOW)
    assert len(rows(session)) == before


def test_a_rolled_back_booking_leaves_no_notice(db, make, session, asha, centre):
    session.commit()
    with db.writer() as other:
        other.info["mail"] = SETTINGS
        with other.begin():
            member = other.get(type(asha), asha.id)
            book_desk(other, member, other.get(type(centre), centre.id), TOMORROW, DayPart.FULL,
                      now=NOW)
            assert len(rows(other)) == 1
            other.rollback()
    assert rows(session) == []


def test_seeding_asks_for_no_confirmation(session, asha, centre):
    book_desk(session, asha, centre, TOMORROW, DayPart.FULL, now=NOW, confirm=False)
    assert rows(session) == []


# ---------------------------------------------------------------- cancellations

def test_cancelling_writes_a_cancellation_with_the_same_uid_and_a_higher_sequence(
        session, make, asha, centre):
    booking = make.desk_booking(member=asha, site=centre, day=TOMORROW)
    cancel_booking(session, booking, asha, now=NOW)

    confirmed, cancelled = rows(session)
    assert cancelled.kind == "booking_cancelled"
    assert cancelled.subject == "Cancelled: WNH Kottarakkara, Wed 2 Dec 2026, full day"
    assert "cancelled, as you asked" in text_of(cancelled)
    _, first = calendar_of(confirmed)
    method, event = calendar_of(cancelled)
    assert method == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == first["UID"] and event["SEQUENCE"] > first["SEQUENCE"]


def test_staff_cancelling_says_staff_at_the_site_and_the_reason_never_the_person(
        session, make, asha, centre, staff):
    booking = make.desk_booking(member=asha, site=centre, day=TOMORROW)
    cancel_for_member(session, staff, booking, "Water leak in the desk area")

    (row,) = rows(session, "booking_cancelled_by_staff")
    body = text_of(row)
    assert "Staff at WNH Kottarakkara have cancelled your booking." in body
    assert "Reason: Water leak in the desk area" in body
    assert "Rajan" not in row.message.decode("ascii", "replace")
    assert row.to_address == "asha@example.org"
    assert "List-Unsubscribe" not in parsed(row)  # not optional: always sent
    assert calendar_of(row)[0] == "CANCEL"


def test_a_refused_cancellation_writes_nothing(session, make, asha, centre):
    booking = make.desk_booking(member=asha, site=centre, day=TOMORROW)
    cancel_booking(session, booking, asha, now=NOW)
    count = len(rows(session))
    with pytest.raises(Exception):
        cancel_booking(session, booking, asha, now=NOW)
    assert len(rows(session)) == count


def test_staff_ending_a_stay_early_tells_the_member(session, make, asha, staff):
    hostel = make.hostel(name="Infopark Hostel")
    roles.set_role(session, make.member(role="admin"), staff, "manager", [hostel.id])
    stay = make.bed_booking(member=asha, site=hostel, check_in=TODAY - timedelta(days=1),
                            nights=5, now=NOW - timedelta(days=1))
    end_early_for_member(session, staff, stay, "Left for a new job", now=NOW)
    (row,) = rows(session, "booking_ended_by_staff")
    assert "List-Unsubscribe" not in parsed(row)
    assert "Staff at Infopark Hostel have ended your booking early." in text_of(row)
    assert "Reason: Left for a new job" in text_of(row)
    method, event = calendar_of(row)
    assert method == "PUBLISH" and event["SEQUENCE"] == 1
    assert event.decoded("DTEND") == stay.ends_on


def test_a_member_ending_their_own_stay_early_gets_an_optional_update(session, make, asha):
    hostel = make.hostel(name="Infopark Hostel")
    stay = make.bed_booking(member=asha, site=hostel, check_in=TODAY - timedelta(days=1),
                            nights=5, now=NOW - timedelta(days=1))
    end_booking_early(session, stay, asha, now=NOW)
    (row,) = rows(session, "booking_ended")
    assert row.subject == "Ended early: Infopark Hostel, from Mon 30 Nov 2026"
    assert "You have ended your booking early." in text_of(row)
    assert parsed(row)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert calendar_of(row)[1].decoded("DTEND") == stay.ends_on == TODAY


# ---------------------------------------------------------------- capacity and closures

def test_retiring_a_desk_tells_the_moved_and_the_conflicted(session, make, centre, staff):
    moved = make.desk_booking(site=centre, day=TOMORROW, desk="A01")
    day_after = TOMORROW + timedelta(days=1)
    make.desk_booking(site=centre, day=day_after, desk="A02")
    stuck = make.desk_booking(site=centre, day=day_after, desk="A01")
    a01 = next(d for d in centre.desks if d.label == "A01")
    sites_admin.retire(session, staff, centre, a01, TOMORROW, TODAY)

    (moved_row,) = rows(session, "booking_moved")
    assert moved_row.user_id == moved.member_id
    assert "moved to another desk" in text_of(moved_row)
    assert "Desk A01 is out of service from 2 Dec 2026." in text_of(moved_row)
    assert "WNH Kottarakkara, Desk A02" in text_of(moved_row)
    method, event = calendar_of(moved_row)
    assert method == "PUBLISH" and event["SEQUENCE"] == 1 and "A02" in str(event["SUMMARY"])
    (conflict,) = rows(session, "booking_conflict")
    assert conflict.user_id == stuck.member_id
    assert "needs attention" in text_of(conflict) and "no free desk" in text_of(conflict)


def test_a_closure_tells_each_member_once_kept_or_cancelled(session, make, centre, staff):
    kept = make.desk_booking(site=centre, day=TOMORROW)
    sites_admin.add_closure(session, staff, centre, TOMORROW, TOMORROW, reason="Onam",
                            room=None, cancel_affected=False, today=TODAY)
    (row,) = rows(session, "booking_closure")
    assert row.user_id == kept.member_id
    assert row.subject == "WNH Kottarakkara is closed on 2 Dec 2026: your booking at WNH Kottarakkara"
    assert "Reason: Onam" in text_of(row) and "Staff at WNH Kottarakkara will contact you" in text_of(row)

    day = TOMORROW + timedelta(days=2)
    gone = make.desk_booking(site=centre, day=day)
    sites_admin.add_closure(session, staff, centre, day, day, reason="Election duty",
                            room=None, cancel_affected=True, today=TODAY)
    mine = [r for r in rows(session) if r.user_id == gone.member_id]
    assert [r.kind for r in mine] == ["booking_confirmed", "booking_cancelled_by_staff"]
    assert "Reason: Election duty (closed on 4 Dec 2026)" in text_of(mine[1])


def test_a_room_closure_that_moves_a_stay_says_so(session, make, asha, staff):
    hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", 1), ("R2", "dormitory", "anyone", 1)))
    roles.set_role(session, make.member(role="admin"), staff, "manager", [hostel.id])
    make.bed_booking(member=asha, site=hostel, check_in=TOMORROW)
    room = next(r for r in hostel.rooms if r.name == "R1")
    sites_admin.add_closure(session, staff, hostel, TOMORROW, TOMORROW, reason="Painting",
                            room=room, cancel_affected=False, today=TODAY)
    (row,) = rows(session, "booking_closure")
    assert row.subject.startswith("Room R1 is closed on 2 Dec 2026")
    assert "moved your stay to a bed in a room that is open" in text_of(row)
    assert "Room R2, bed R2-1" in text_of(row)


def test_closing_a_site_tells_every_member_with_a_future_booking(session, make, centre, staff):
    admin = make.member(role="admin")
    a, b = make.desk_booking(site=centre, day=TOMORROW), make.desk_booking(site=centre, day=TOMORROW)
    sites_admin.set_site_status(session, admin, centre, "closed", TODAY)
    assert sorted(r.user_id for r in rows(session, "booking_conflict")) == sorted(
        [a.member_id, b.member_id])


# ---------------------------------------------------------------- preferences

def test_a_member_who_turned_own_booking_mail_off_still_hears_what_staff_did(
        session, make, asha, centre, staff):
    preferences.set_wanted(session, asha, {preferences.OWN_BOOKINGS: False})
    mine = make.desk_booking(member=asha, site=centre, day=TOMORROW)
    cancel_booking(session, mine, asha, now=NOW)
    assert rows(session) == []
    theirs = make.desk_booking(member=asha, site=centre, day=TOMORROW)
    cancel_for_member(session, staff, theirs, "Maintenance")
    assert [r.kind for r in rows(session)] == ["booking_cancelled_by_staff"]


def test_optional_mails_carry_one_click_unsubscribe_for_their_topic(session, make, asha, centre):
    make.desk_booking(member=asha, site=centre, day=TOMORROW)
    (row,) = rows(session)
    message = parsed(row)
    url = message["List-Unsubscribe"]
    assert url.startswith("<https://booking.example.org/notices/unsubscribe/") and url.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Unfolded on the wire: a URL split into encoded-words is no URL to a mail client.
    assert b"List-Unsubscribe: <https://booking.example.org/notices/unsubscribe/" in row.message
    token = url[1:-1].rsplit("/", 1)[1]
    assert preferences.read_unsubscribe_token("notice-test", token) == (
        asha.id, preferences.OWN_BOOKINGS)
    assert url[1:-1] in text_of(row)


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
    lambda t: "WzIsIm93bl9ib29raW5ncyJd" + t[t.index("."):],  # another user id, same signature
    lambda t: t.split(".")[0],  # no signature
    lambda t: "",
])
def test_a_tampered_unsubscribe_token_is_refused(asha, tamper):
    token = preferences.unsubscribe_path(SETTINGS, asha, "reminders").rsplit("/", 1)[1]
    assert preferences.read_unsubscribe_token("notice-test", token) == (asha.id, "reminders")
    with pytest.raises(preferences.BadUnsubscribeLink):
        preferences.read_unsubscribe_token("notice-test", tamper(token))
    with pytest.raises(preferences.BadUnsubscribeLink):
        preferences.read_unsubscribe_token("another-key", token)


# ---------------------------------------------------------------- header injection

def test_newlines_in_names_reasons_and_site_names_never_become_headers(session, make, staff):
    centre = make.centre(name="WNH Pala\r\nBcc: site@evil.example")
    roles.set_role(session, make.member(role="admin"), staff, "manager", [centre.id])
    victim = make.member(email="victim@example.org", name="Anu\r\nBcc: name@evil.example\r\n")
    booking = make.desk_booking(member=victim, site=centre, day=TOMORROW)
    cancel_for_member(session, staff, booking, "Leak\r\nBcc: reason@evil.example\r\n\r\nHi")
    for row in rows(session):
        message = parsed(row)
        assert message["Bcc"] is None and message["Cc"] is None
        assert [a.addr_spec for a in message["To"].addresses] == ["victim@example.org"]
        head = row.message.split(b"\r\n\r\n", 1)[0]
        assert not any(line.lower().startswith(b"bcc") for line in head.split(b"\r\n"))


def test_staff_changing_room_eligibility_tells_the_member_of_each_stay_it_flags(session, make):
    from booking.services.accounts import eligibility

    hostel = make.hostel(rooms=(("W1", "dormitory", "women", 2), ("A1", "dormitory", "anyone", 2)))
    member = make.member(hostel_eligibility="women")
    flagged = make.bed_booking(member=member, site=hostel, bed="W1-1", check_in=TOMORROW)
    make.bed_booking(member=member, site=hostel, bed="A1-1", check_in=TOMORROW + timedelta(5))
    eligibility.set_eligibility(session, make.member(role="admin"), member, None, TODAY)
    (row,) = rows(session, "booking_conflict")
    assert row.user_id == member.id and "Room W1 is for women" in text_of(row)
    assert f"/bookings/{flagged.id}" in text_of(row)


def test_deleting_an_account_forgets_its_mail_choices(session, make, asha):
    from booking.models import NoticeOptOut
    from booking.services.accounts import privacy

    preferences.set_wanted(session, asha, {preferences.REMINDERS: False})
    privacy.delete_account(session, asha, TODAY)
    assert list(session.scalars(select(NoticeOptOut))) == []
