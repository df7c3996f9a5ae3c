"""Register, sign in and out, profile and password: every mistake gets a clear message."""
from __future__ import annotations

import pytest

from booking.services.accounts import users as accounts, eligibility
from tests.conftest import PASSWORD

from .conftest import sign_in, submit, text_of

GOOD = {"name": "Nimmi Thomas", "email": "Nimmi@Example.org", "password": "backwaters-2026",
        "confirm": "backwaters-2026", "phone": "", "eligibility_request": "women"}


def test_registering_signs_the_new_member_in(client, db, session):
    response = submit(client, "/register", GOOD)
    assert response.status_code == 302 and response.location == "/bookings"
    landed = client.get("/bookings")
    assert landed.status_code == 200  # signed in
    assert "Welcome, Nimmi Thomas: your account is ready." in text_of(landed)
    user = accounts.get_user_by_email(session, "nimmi@example.org")
    # Women's rooms asked for at registration are a request for staff, not a grant.
    assert user.name == "Nimmi Thomas" and user.hostel_eligibility is None
    assert eligibility.get_pending_request(session, user).requested == "women"
    assert user.password_hash.startswith("scrypt:")
    session.rollback()  # release SQLite's write lock before the app writes again
    client.post("/sign-out", data={"csrf_token": _token(client)})
    sign_in(client, "NIMMI@example.ORG", "backwaters-2026")  # any case of the email


def test_registering_returns_the_member_to_the_page_they_came_from(client, db):
    response = submit(client, "/register?next=/sites/kottarakkara/book-desk?day%3D2026-12-08",
                      GOOD)
    assert response.status_code == 302
    assert response.location == "/sites/kottarakkara/book-desk?day=2026-12-08"


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                  "javascript:alert(1)"])
def test_registering_never_follows_a_next_off_the_site(client, db, evil):
    response = submit(client, f"/register?next={evil}", GOOD, form_url="/register")
    assert response.status_code == 302 and response.location == "/bookings"


def test_sign_in_and_register_pages_carry_next_to_each_other(client, db):
    sign_in_page = text_of(client.get("/sign-in?next=/sites/kollam/book-desk"))
    assert 'href="/register?next=/sites/kollam/book-desk"' in sign_in_page
    register_page = text_of(client.get("/register?next=/sites/kollam/book-desk"))
    assert 'href="/sign-in?next=/sites/kollam/book-desk"' in register_page
    off_site = text_of(client.get("/sign-in?next=https://evil.example/"))
    assert "evil.example" not in off_site


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Enter your name."),
    ("email", "", "Enter your email address."),
    ("email", "not-an-email", "Enter an email address like name@example.com."),
    ("password", "short", "Use at least 8 characters."),
    ("confirm", "something-else", "The two passwords do not match."),
    ("phone", "call me maybe", "Enter a 10-digit Indian mobile number"),
    ("eligibility_request", "martians", "Not a valid choice"),
])
def test_register_explains_each_mistake(client, db, field, value, message):
    response = submit(client, "/register", {**GOOD, field: value})
    assert response.status_code == 422
    assert message in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)


def test_registering_a_taken_email_says_so_signs_nobody_in_and_changes_nothing(
        client, member, session):
    response = submit(client, "/register?next=/bookings", {**GOOD, "email": "ASHA@example.org"})
    assert response.status_code == 422
    assert "There is already an account for this email. Sign in with it" in text_of(response)
    assert 'href="/sign-in?next=/bookings"' in text_of(response)
    assert client.get("/bookings").status_code == 302  # not signed in
    session.expire_all()
    assert accounts.authenticate(session, "asha@example.org", PASSWORD) is not None
    assert accounts.authenticate(session, "asha@example.org", GOOD["password"]) is None
    assert accounts.get_user_by_email(session, "asha@example.org").name == "Asha Varghese"


@pytest.mark.parametrize("typed", ["9447012345", "+91 94470 12345", "+919447012345",
                                   "094470-12345", "91 9447012345", " 94470 12345 "])
def test_registration_stores_an_indian_mobile_number_normalised(client, db, session, typed):
    assert submit(client, "/register", {**GOOD, "phone": typed}).status_code == 302
    assert accounts.get_user_by_email(session, GOOD["email"]).phone == "+919447012345"


@pytest.mark.parametrize("typed", ["12345", "5447012345", "+1 202 555 0143", "94470123456",
                                   "+91 94470 1234", "0091 94470 12345x", "+92 9447012345"])
def test_registration_refuses_a_phone_that_is_not_an_indian_mobile(client, db, session, typed):
    response = submit(client, "/register", {**GOOD, "phone": typed})
    assert response.status_code == 422
    assert "Enter a 10-digit Indian mobile number, e.g. +91 94470 12345" in text_of(response)
    assert accounts.get_user_by_email(session, GOOD["email"]) is None


def test_registration_without_a_phone_stores_none(client, db, session):
    assert submit(client, "/register", {**GOOD, "phone": ""}).status_code == 302
    assert accounts.get_user_by_email(session, GOOD["email"]).phone is None


def test_wrong_password_and_unknown_email_get_the_same_message(client, member):
    wrong = submit(client, "/sign-in", {"email": member.email, "password": "nope-nope-nope"})
    unknown = submit(client, "/sign-in", {"email": "nobody@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 422
    message = "That email and password do not match an account."
    assert message in text_of(wrong) and message in text_of(unknown)


def test_sign_in_form_requires_both_fields(client, db):
    response = submit(client, "/sign-in", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "Enter your email address." in text_of(response)
    assert "Enter your password." in text_of(response)


def test_sign_in_follows_next_only_inside_the_site(client, member):
    inside = submit(client, "/sign-in?next=/account", {"email": member.email, "password": PASSWORD})
    assert inside.location.endswith("/account")
    client.post("/sign-out", data={"csrf_token": _token(client)})
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = submit(client, f"/sign-in?next={evil}",
                          {"email": member.email, "password": PASSWORD},
                          form_url="/sign-in")
        assert "evil" not in response.location and response.location.endswith("/bookings")
        client.post("/sign-out", data={"csrf_token": _token(client)})


def _token(client) -> str:
    from .conftest import csrf_token
    return csrf_token(client, "/")


def test_pages_for_members_send_strangers_to_sign_in(client, db):
    response = client.get("/bookings")
    assert response.status_code == 302
    assert "/sign-in?next=" in response.location


def test_sign_out_needs_post_and_a_token(member_client):
    assert member_client.get("/sign-out").status_code == 405
    assert member_client.post("/sign-out").status_code == 400
    assert member_client.get("/bookings").status_code == 200  # still signed in
    member_client.post("/sign-out", data={"csrf_token": _token(member_client)})
    assert member_client.get("/bookings").status_code == 302


@pytest.mark.parametrize("url, data", [
    ("/register", GOOD),
    ("/sign-in", {"email": "asha@example.org", "password": PASSWORD}),
])
def test_forms_without_a_csrf_token_are_refused(client, member, url, data):
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Kerala IT Workspaces" in text_of(response)  # the styled error page


def test_forged_csrf_token_is_refused(client, member):
    response = client.post("/sign-in", data={"email": member.email, "password": PASSWORD,
                                             "csrf_token": "forged"})
    assert response.status_code == 400


def test_profile_saves_name_and_phone(member_client, member, session):
    page = text_of(member_client.get("/account"))
    assert "asha@example.org" in page
    response = submit(member_client, "/account", {"name": "Asha V.", "phone": "+91 94470 12345"})
    assert response.status_code == 302
    session.expire_all()
    user = accounts.get_user_by_email(session, "asha@example.org")
    # The profile form leaves the staff-granted eligibility alone.
    assert (user.name, user.phone, user.hostel_eligibility) == ("Asha V.", "+919447012345",
                                                                "women")


def test_profile_refuses_a_phone_that_is_not_an_indian_mobile(member_client):
    response = submit(member_client, "/account", {"name": "Asha V.", "phone": "0471 2700 222 1"})
    assert response.status_code == 422
    assert "Enter a 10-digit Indian mobile number" in text_of(response)


def test_profile_refuses_blank_name(member_client):
    response = submit(member_client, "/account", {"name": " ", "phone": ""})
    assert response.status_code == 422
    assert "Enter your name." in text_of(response)


def test_change_password_checks_the_current_one(member_client, session):
    response = submit(member_client, "/account/password",
                      {"current": "wrong-one-here", "password": "new-password-1",
                       "confirm": "new-password-1"})
    assert response.status_code == 422
    assert "That is not your current password." in text_of(response)
    response = submit(member_client, "/account/password",
                      {"current": PASSWORD, "password": "short", "confirm": "other"})
    assert "Use at least 8 characters." in text_of(response)
    assert "The two passwords do not match." in text_of(response)
    response = submit(member_client, "/account/password",
                      {"current": PASSWORD, "password": "new-password-1",
                       "confirm": "new-password-1"})
    assert response.status_code == 302
    session.expire_all()
    assert accounts.authenticate(session, "asha@example.org", "new-password-1") is not None
