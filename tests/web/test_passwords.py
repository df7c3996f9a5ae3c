"""Common passwords are refused (NIST SP 800-63B), with a message that helps, wherever a
password is set: registration, a password change, and an administrator's `users create`."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from booking.models import User
from booking.services.accounts import users as accounts
from booking.services.errors import InvalidRequest
from tests.conftest import PASSWORD

from .conftest import submit, text_of

HELP = "one of the most common passwords"


@pytest.mark.parametrize("common", ["12345678", "password", "Password1", "qwertyuiop",
                                    "iloveyou", "sunshine1"])
def test_registration_refuses_a_common_password_and_says_what_to_choose(client, db, common):
    answer = submit(client, "/register", {
        "name": "Arun Kumar", "email": "arun@example.org", "password": common,
        "confirm": common})
    assert answer.status_code == 422
    assert HELP in text_of(answer) and "unrelated words" in text_of(answer)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0


def test_a_password_change_to_a_common_password_is_refused(app, member_client, member):
    answer = submit(member_client, "/account/password", {
        "current": PASSWORD, "password": "baseball1", "confirm": "baseball1"})
    assert answer.status_code == 422 and HELP in text_of(answer)
    assert member_client.get("/account").status_code == 200  # still signed in
    another_browser = app.test_client()  # the old password still works
    assert submit(another_browser, "/sign-in", {"email": member.email,
                                                "password": PASSWORD}).status_code == 302


def test_an_administrator_cannot_set_a_common_password_from_the_command_line(app, db):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "admin2@example.org", "--name", "Second Admin", "--role", "admin",
        "--password", "football"])
    assert result.exit_code != 0 and HELP in result.output


def test_the_service_refuses_common_passwords_and_the_email_whatever_sets_them(make):
    member = make.member(email="lakshmi.menon@example.org")
    for refused in ("letmein1", "QWERTY123", " 123456789 ", "lakshmi.menon",
                    "Lakshmi.Menon@example.org"):
        with pytest.raises(InvalidRequest):
            accounts.set_password(member, refused)
    accounts.set_password(member, "mango ferry monsoon lamp")  # long and uncommon: fine
