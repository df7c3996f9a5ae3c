"""/admin/outbox: administrators see failed mail and send it again; nobody else sees it."""
from __future__ import annotations

from sqlalchemy import select

from booking.models import AuditEntry, OutboxMessage
from booking.services.notices.outbox import compose, enqueue

from .conftest import csrf_token, sign_in


def failed_message(session, to="meera@example.org"):
    row = enqueue(session, compose(sender="no-reply@localhost", to=to, subject="Your desk",
                                   text="Desk 1."), kind="booking_confirmed")
    row.status, row.attempts, row.last_error = "failed", 6, "SMTPServerDisconnected: gone"
    session.commit()
    return row


def test_admin_sees_a_failed_message_and_sends_it_again(client, world, session):
    row = failed_message(session)
    sign_in(client, world.admin)
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "meera@example.org" in page and "SMTPServerDisconnected: gone" in page
    assert "Failed (1)" in page
    token = csrf_token(client, "/admin/outbox")
    response = client.post(f"/admin/outbox/{row.id}/resend", data={"csrf_token": token})
    assert response.status_code == 302
    session.expire_all()
    again = session.get(OutboxMessage, row.id)
    assert (again.status, again.attempts, again.last_error) == ("pending", 0, None)
    assert again.message_id == row.message_id  # the same mail, not a new one
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.resend")).one()
    assert entry.actor_id == world.admin.id
    assert "sent mail #" in client.get("/admin/audit").get_data(as_text=True)


def test_resend_needs_csrf_and_a_real_message(client, world, session):
    row = failed_message(session)
    sign_in(client, world.admin)
    assert client.post(f"/admin/outbox/{row.id}/resend").status_code == 400
    token = csrf_token(client, "/admin/outbox")
    assert client.post("/admin/outbox/999999/resend", data={"csrf_token": token}).status_code == 404
    session.expire_all()
    assert session.get(OutboxMessage, row.id).status == "failed"


def test_managers_and_members_cannot_see_the_outbox(client, world, session):
    row = failed_message(session)
    sign_in(client, world.manager_a)
    assert client.get("/admin/outbox").status_code == 403
    token = csrf_token(client, "/admin/sites")
    assert client.post(f"/admin/outbox/{row.id}/resend",
                       data={"csrf_token": token}).status_code == 403
    sign_in(client, world.member)
    assert client.get("/admin/outbox").status_code == 404
    session.expire_all()
    assert session.get(OutboxMessage, row.id).status == "failed"
