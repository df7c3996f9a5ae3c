"""Download my data and delete my account: past bookings stay, anonymised."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import BedNight, Booking, DayPart, DeskCell, OutboxMessage, User
from booking.services.notices.outbox import compose, enqueue
from booking.services.accounts import users as accounts, privacy
from tests.conftest import NOW, PASSWORD

from .conftest import sign_in, submit, text_of


def test_delete_account_cancels_upcoming_and_anonymises_past(session, make):
    member = make.member(phone="+91 94470 00000", hostel_eligibility="men")
    member.home_pin = "691506"
    site = make.centre()
    then = NOW - timedelta(days=10)
    past = make.desk_booking(member=member, site=site, day=then.date() + timedelta(days=1),
                             part=DayPart.MORNING, now=then)
    upcoming = make.desk_booking(member=member, site=site, day=NOW.date() + timedelta(days=2))
    stay = make.bed_booking(member=member, nights=2)
    enqueue(session, compose(sender="no-reply@localhost", to=member.email, subject="Your desk",
                             text="Desk 1 tomorrow."), kind="test", user_id=member.id)
    cancelled = privacy.delete_account(session, member, NOW.date())
    assert cancelled == 2
    session.expire_all()
    user = session.get(User, member.id)
    assert (user.email, user.phone, user.password_hash, user.hostel_eligibility,
            user.home_pin) == (None, None, None, None, None)
    assert user.name == privacy.DELETED_NAME and user.is_deleted
    kept = session.get(Booking, past.id)
    assert kept.is_live and kept.member_id is None and kept.created_by_id is None
    for booking_id in (upcoming.id, stay.id):
        gone = session.get(Booking, booking_id)
        assert gone.status == "cancelled" and gone.member_id is None
    # Past cells stay as capacity history, without the person; upcoming ones are freed.
    assert session.scalars(select(DeskCell.member_id)).all() == [None]
    assert session.scalars(select(BedNight)).all() == []
    assert session.scalars(select(OutboxMessage)).all() == []  # mail to them held their address


def test_export_lists_the_account_and_every_booking(session, make):
    member = make.member(name="Asha", phone="+91 94470 11111")
    member.home_pin = "691506"
    booking = make.desk_booking(member=member)
    make.desk_booking()  # someone else's
    data = privacy.export_member_data(session, member)
    assert data["account"]["name"] == "Asha" and data["account"]["phone"] == "+919447011111"
    assert data["account"]["home_pin"] == "691506"
    assert [b["id"] for b in data["bookings"]] == [booking.id]
    assert data["bookings"][0]["kind"] == "desk" and data["bookings"][0]["part"] == "full"
    assert "password_hash" not in json.dumps(data)


def test_download_my_data_is_a_json_attachment(member_client, member, make, session):
    make.desk_booking(member=member, day=today_in_kerala() + timedelta(days=2),
                      now=now_in_kerala())
    session.commit()
    response = member_client.get("/account/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["account"]["email"] == "asha@example.org" and len(data["bookings"]) == 1


def test_delete_account_page_needs_password_and_the_tick(member_client, session):
    response = submit(member_client, "/account/delete", {"password": "", "understood": ""})
    assert response.status_code == 422
    page = text_of(response)
    assert "Enter your password to confirm." in page and "Tick the box to confirm." in page
    response = submit(member_client, "/account/delete",
                      {"password": "not-my-password", "understood": "y"})
    assert "That is not your password." in text_of(response)
    assert accounts.get_user_by_email(session, "asha@example.org") is not None


def test_deleted_member_is_signed_out_and_cannot_sign_in_again(member_client, session):
    response = submit(member_client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    assert member_client.get("/bookings").status_code == 302  # signed out
    response = submit(member_client, "/sign-in",
                      {"email": "asha@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert accounts.get_user_by_email(session, "asha@example.org") is None


def test_deleted_email_can_register_afresh(client, member, session):
    sign_in(client, member.email)
    submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    response = submit(client, "/register", {
        "name": "Asha again", "email": "asha@example.org", "password": "fresh-start-1",
        "confirm": "fresh-start-1", "phone": "", "hostel_eligibility": ""})
    assert response.status_code == 302 and response.location == "/bookings"  # signed in
    submit(client, "/sign-out", {}, form_url="/bookings")
    sign_in(client, "asha@example.org", "fresh-start-1")


def test_a_deleted_account_leaves_no_readable_trace_in_the_sqlite_files(tmp_path):
    """secure_delete zeroes the erased rows, and a checkpoint after the erasure's commit
    empties the WAL, which still held the pages as they were before."""
    from booking import create_app, migrate

    path = tmp_path / "erasure.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}",
                      "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})
    email, name, phone = "zq.erasable.7f3a@example.org", "Qwertina Erasable", "9447012345"
    password = "an-unusual-passphrase-4821"
    client = app.test_client()
    response = client.post("/register", data={
        "name": name, "email": email, "phone": phone, "password": password,
        "confirm": password, "eligibility_request": ""})
    assert response.status_code == 302
    wal = path.with_name(path.name + "-wal")

    def files() -> bytes:  # read while the app runs: closing its last connection checkpoints
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    assert email.encode() in files()  # it was written, so the check below means something
    response = client.post("/account/delete", data={"password": password, "understood": "y"})
    assert response.status_code == 302
    leftovers = files()
    with app.extensions["booking_db"].engine.connect() as connection:
        # Set by the app: Debian's SQLite has it on by default, python.org's builds do not.
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    app.extensions["booking_db"].dispose()
    for secret in (email, name, phone):
        assert secret.encode() not in leftovers, secret
