"""Admin-area fixtures: a small world of staff and two sites, and signed-in clients."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from booking.services import users_admin


@dataclass
class World:
    admin: object
    manager_a: object
    manager_b: object
    member: object
    site_a: object
    site_b: object
    hostel: object


@pytest.fixture
def world(make, session) -> World:
    admin = make.member(role="admin", name="Asha Admin")
    site_a = make.centre(desks=3, name="WNH Kottarakkara", slug="kottarakkara")
    site_b = make.centre(desks=2, name="WNH Varkala", slug="varkala")
    hostel = make.hostel(name="Technopark Hostel", slug="technopark",
                         rooms=(("R1", "dormitory", "anyone", 2), ("R2", "dormitory", "anyone", 2)))
    manager_a = make.member(name="Manu Manager")
    manager_b = make.member(name="Bindu Manager")
    users_admin.set_role(session, admin, manager_a, "manager", [site_a.id, hostel.id])
    users_admin.set_role(session, admin, manager_b, "manager", [site_b.id])
    member = make.member(name="Meera Member")
    session.commit()
    return World(admin, manager_a, manager_b, member, site_a, site_b, hostel)


def sign_in(client, user) -> None:
    """Sign a test client in as `user` (Flask-Login's session keys)."""
    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from an admin page."""
    html = client.get("/admin/sites").get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "admin pages carry a csrf-token meta tag"
    return match[1]


@pytest.fixture
def as_user(client):
    """as_user(user) -> the client signed in as that user, with .csrf set."""
    def _as(user):
        sign_in(client, user)
        client.csrf = csrf_token(client)
        return client
    return _as
