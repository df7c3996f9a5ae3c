"""Helpers for the member pages: CSRF tokens from real form pages, signed-in clients."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from booking.clock import today_in_kerala
from tests.conftest import PASSWORD

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                        r'|name="csrf_token" value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """Fetch a page with a form and read its CSRF token, as a browser would."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {url}"
    return match.group(1) or match.group(2)


def submit(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """POST a form with the token taken from the page that shows it."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def sign_in(client, email: str, password: str = PASSWORD):
    response = submit(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def text_of(response) -> str:
    return response.get_data(as_text=True)


def next_weekday(weekday: int, after: date | None = None) -> date:
    """The first date after `after` (default today) falling on weekday (Mon=0)."""
    day = (after or today_in_kerala()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


@pytest.fixture
def member(make, session):
    user = make.member(email="asha@example.org", name="Asha Varghese",
                       hostel_eligibility="women")
    session.commit()
    return user


@pytest.fixture
def member_client(client, member):
    sign_in(client, member.email)
    return client
