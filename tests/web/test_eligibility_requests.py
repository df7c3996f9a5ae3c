"""The account page: a member sees what staff granted and asks for more, never sets it."""
from __future__ import annotations

from datetime import timedelta

from booking.clock import today_in_kerala
from booking.services.accounts import users as accounts, eligibility

from .conftest import csrf_token, sign_in, submit, text_of


def test_posting_the_old_eligibility_field_does_not_grant_anything(client, make, session):
    make.hostel(slug="technopark", rooms=(("W1", "dormitory", "women", 2),))
    make.member(email="devi@example.org", name="Devi")
    session.commit()
    sign_in(client, "devi@example.org")
    response = submit(client, "/account", {"name": "Devi", "phone": "",
                                           "hostel_eligibility": "women"})
    assert response.status_code == 302
    session.expire_all()
    assert accounts.get_user_by_email(session, "devi@example.org").hostel_eligibility is None
    session.rollback()
    day = today_in_kerala() + timedelta(days=3)
    check_out = day + timedelta(days=1)
    booked = submit(client, "/sites/technopark/book-bed",
                    {"check_in": day.isoformat(), "check_out": check_out.isoformat(), "bed": "W1-1",
                     "shown_check_in": day.isoformat(), "shown_check_out": check_out.isoformat()})
    assert booked.status_code == 422 and "Hostel staff grant" in text_of(booked)


def test_member_asks_for_womens_rooms_sees_it_waiting_and_withdraws(client, make, session):
    make.member(email="devi@example.org", name="Devi")
    session.commit()
    sign_in(client, "devi@example.org")
    page = text_of(client.get("/account"))
    assert "rooms for anyone only" in page and "photo ID" in page
    assert 'name="hostel_eligibility"' not in page
    response = submit(client, "/account/eligibility", {"requested": "women"},
                      form_url="/account")
    assert response.status_code == 302
    page = text_of(client.get("/account"))
    assert "You asked for women's rooms" in page and "rooms for anyone only" in page
    user = accounts.get_user_by_email(session, "devi@example.org")
    assert user.hostel_eligibility is None
    assert eligibility.get_pending_request(session, user).requested == "women"
    session.rollback()
    assert submit(client, "/account/eligibility/withdraw", {},
                  form_url="/account").status_code == 302
    session.expire_all()
    assert eligibility.get_pending_request(session, user) is None
    assert "Send my request" in text_of(client.get("/account"))


def test_member_sees_a_refusal_and_the_staff_note(client, make, session):
    admin = make.member(role="admin", password=None)
    member = make.member(email="devi@example.org", name="Devi")
    request = eligibility.request_eligibility(session, member, "women")
    eligibility.refuse_request(session, admin, request, "Show your ID at the Technopark desk")
    session.commit()
    sign_in(client, "devi@example.org")
    page = text_of(client.get("/account"))
    assert "Your request was refused" in page and "Show your ID at the Technopark desk" in page


def test_an_empty_or_unknown_request_gets_a_form_error(member_client):
    for value in ({}, {"requested": "anyone"}):
        response = submit(member_client, "/account/eligibility", value, form_url="/account")
        assert response.status_code == 422
        assert "Choose women" in text_of(response) or "Not a valid choice" in text_of(response)


def test_the_request_form_offers_only_what_is_not_granted(member_client):
    page = text_of(member_client.get("/account"))  # Asha may book women's rooms
    assert "women's rooms and rooms for anyone" in page
    assert 'value="men"' in page and 'value="women"' not in page


def test_requests_without_a_csrf_token_are_refused(client, make, session):
    make.member(email="devi@example.org", name="Devi")
    session.commit()
    sign_in(client, "devi@example.org")
    csrf_token(client, "/account")
    assert client.post("/account/eligibility", data={"requested": "women"}).status_code == 400
    client.post("/account/eligibility/withdraw", data={})
    user = accounts.get_user_by_email(session, "devi@example.org")
    assert eligibility.get_latest_request(session, user) is None


def test_my_data_includes_the_request(client, make, session):
    member = make.member(email="devi@example.org", name="Devi")
    eligibility.request_eligibility(session, member, "men")
    session.commit()
    sign_in(client, "devi@example.org")
    data = client.get("/account/my-data.json").get_json()
    [request] = data["eligibility_requests"]
    assert (request["requested"], request["status"]) == ("men", "pending")
    assert data["account"]["hostel_eligibility"] is None
