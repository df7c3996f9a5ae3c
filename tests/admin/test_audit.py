"""Every admin and manager write leaves an audit entry; managers see their sites' entries."""
from __future__ import annotations

import json

from sqlalchemy import select

from booking.models import AuditEntry
from booking.services.admin import audit
from tests.admin.conftest import csrf_token, sign_in


def test_writes_through_the_pages_are_audited_with_before_and_after(client, world, reader):
    sign_in(client, world.manager_a)
    token = csrf_token(client)
    site = world.site_a
    client.post(f"/admin/sites/{site.id}/desks", data={"count": 3, "zone": "B", "csrf_token": token})
    desk = site.desks[0]
    client.post(f"/admin/sites/{site.id}/desk/{desk.id}/rename",
                data={"label": "Window", "csrf_token": token})
    client.post(f"/admin/sites/{site.id}/closures", data={
        "starts_on": "2030-05-01", "ends_on": "2030-05-02", "reason": "May Day", "room_id": 0,
        "handling": "flag", "confirm": "1", "csrf_token": token})
    entries = reader.scalars(select(AuditEntry).where(AuditEntry.site_id == site.id)
                             .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["desk.add", "desk.rename", "closure.add"]
    assert all(e.actor_id == world.manager_a.id for e in entries)
    assert json.loads(entries[0].after)["labels"] == ["B01", "B02", "B03"]
    assert json.loads(entries[1].before) == {"label": desk.label}
    assert json.loads(entries[1].after) == {"label": "Window"}
    assert json.loads(entries[2].after)["reason"] == "May Day"


def test_a_preview_writes_nothing(client, world, reader):
    sign_in(client, world.admin)
    client.post(f"/admin/sites/{world.site_a.id}/closures", data={
        "starts_on": "2030-05-01", "ends_on": "2030-05-02", "reason": "May Day", "room_id": 0,
        "handling": "flag", "csrf_token": csrf_token(client)})
    assert reader.scalars(select(AuditEntry.action)).all() == ["user.role", "user.role"]


def test_the_log_filters_by_site_and_managers_see_only_their_sites(client, world, session):
    audit.record(session, world.admin, "site.update", site=world.site_a, target="site:a",
                 before={"name": "Old A"}, after={"name": "New A"})
    audit.record(session, world.admin, "site.update", site=world.site_b, target="site:b",
                 before={"name": "Old B"}, after={"name": "New B"})
    session.commit()
    sign_in(client, world.admin)
    html = client.get(f"/admin/audit?site={world.site_b.id}").get_data(as_text=True)
    assert "New B" in html and "New A" not in html
    sign_in(client, world.manager_a)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "New A" in html and "New B" not in html
    assert client.get(f"/admin/audit?site={world.site_b.id}").status_code == 404
