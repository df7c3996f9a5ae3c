"""Booking a desk or a bed through the pages: validation, refusals, confirmation."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import Booking, DayPart

from .conftest import submit, text_of


@pytest.fixture
def centre(make, session):
    site = make.centre(desks=2, name="WNH Pala")
    session.commit()
    return site


@pytest.fixture
def hostel(make, session):
    site = make.hostel(name="Infopark Hostel", rooms=(
        ("W1", "dormitory", "women", 2), ("M1", "dormitory", "men", 2),
        ("S1", "single", "anyone", 1)))
    session.commit()
    return site


def _desk_url(site) -> str:
    return f"/sites/{site.slug}/book-desk"


def _bed_url(site) -> str:
    return f"/sites/{site.slug}/book-bed"


def _as_shown(data: dict) -> dict:
    """The form as a browser sends it when step 2 was built for step 1's choice."""
    shown = {f"shown_{k}": v for k, v in data.items()
             if k in ("day", "part", "check_in", "check_out")}
    return {"action": "book", **shown, **data}


def _book(client, url: str, data: dict):
    return submit(client, url, _as_shown(data))


def _bookings(session) -> list[Booking]:
    session.expire_all()
    result = list(session.scalars(select(Booking).order_by(Booking.id)))
    session.rollback()
    return result


# ---------------------------------------------------------------- desks

def test_booking_any_desk_shows_the_confirmation(member_client, centre, session):
    day = today_in_kerala() + timedelta(days=2)
    response = _book(member_client, _desk_url(centre),
                      {"day": day.isoformat(), "part": "morning", "desk": ""})
    assert response.status_code == 302
    page = text_of(member_client.get(response.location))
    assert "re booked" in page and "WNH Pala" in page
    assert f"{day.day} {day:%b %Y}" in page and "Morning" in page and "Desk A01" in page
    [booking] = _bookings(session)
    assert (booking.starts_on, booking.part) == (day, "morning")


def test_desk_form_lists_free_desks_grouped_by_zone(member_client, centre):
    day = today_in_kerala() + timedelta(days=2)
    page = text_of(member_client.get(f"{_desk_url(centre)}?day={day.isoformat()}&part=full"))
    assert '<optgroup label="Zone A">' in page
    assert '<option value="A02"' in page and "2 desks free" in page


def test_booking_a_specific_desk_that_was_taken_is_refused_on_the_form(
        member_client, centre, make, session):
    day = today_in_kerala() + timedelta(days=2)
    make.desk_booking(site=centre, day=day, part=DayPart.FULL, desk="A02", now=now_in_kerala())
    session.commit()
    response = _book(member_client, _desk_url(centre),
                      {"day": day.isoformat(), "part": "afternoon", "desk": "A02"})
    assert response.status_code == 409 or response.status_code == 422
    assert "Desk A02 is no longer available" in text_of(response)
    assert len(_bookings(session)) == 1


@pytest.mark.parametrize("data, message", [
    ({"day": "", "part": "full"}, "Choose a date."),
    ({"day": "25/11/2026", "part": "full"}, "Not a valid date value."),
    ({"day": "2026-02-30", "part": "full"}, "Not a valid date value."),
    ({"day": "{tomorrow}", "part": "evening"}, "Not a valid choice"),
    ({"day": "{tomorrow}"}, "Choose morning, afternoon or full day."),
])
def test_desk_form_explains_invalid_input(member_client, centre, data, message):
    tomorrow = (today_in_kerala() + timedelta(days=1)).isoformat()
    data = {k: v.replace("{tomorrow}", tomorrow) for k, v in data.items()}
    response = _book(member_client, _desk_url(centre), data)
    assert response.status_code == 422
    assert message in text_of(response)


@pytest.mark.parametrize("offset, message", [
    (-3, "has already passed"),
    (400, "can be booked up to 30 days ahead"),
])
def test_desk_rules_refusals_are_form_errors(member_client, centre, offset, message):
    day = today_in_kerala() + timedelta(days=offset)
    response = _book(member_client, _desk_url(centre), {"day": day.isoformat(), "part": "full"})
    assert response.status_code == 422
    assert message in text_of(response)


def test_desk_on_a_weekly_holiday_is_refused(member_client, make, session):
    site = make.centre(opening_days="012345")
    session.commit()
    sunday = today_in_kerala() + timedelta(days=(6 - today_in_kerala().weekday()) % 7 or 7)
    response = _book(member_client, _desk_url(site), {"day": sunday.isoformat(), "part": "full"})
    assert response.status_code == 422
    assert "is not open on Sundays" in text_of(response)


def test_member_already_booked_that_morning_elsewhere_is_told_so(
        member_client, member, centre, make, session):
    other = make.centre(name="WNH Kalpetta")
    day = today_in_kerala() + timedelta(days=2)
    make.desk_booking(member=member, site=other, day=day, part=DayPart.MORNING,
                      now=now_in_kerala())
    session.commit()
    response = _book(member_client, _desk_url(centre), {"day": day.isoformat(), "part": "full"})
    assert response.status_code == 422
    assert "You already have a desk booked that day" in text_of(response)


def test_step_one_previews_a_refusal_before_the_member_submits(member_client, centre):
    past = (today_in_kerala() - timedelta(days=1)).isoformat()
    page = text_of(member_client.get(f"{_desk_url(centre)}?day={past}&part=full"))
    assert "has already passed" in page and "Book this desk" not in page


def test_desk_booking_at_a_hostel_or_unknown_site_is_404(member_client, hostel):
    assert member_client.get(_desk_url(hostel)).status_code == 404
    assert member_client.get("/sites/atlantis/book-desk").status_code == 404
    assert member_client.get("/sites/atlantis/book-bed").status_code == 404


def test_planned_site_refuses_bookings(member_client, make, session):
    site = make.centre(status="planned", name="WNH Kollam")
    session.commit()
    day = (today_in_kerala() + timedelta(days=2)).isoformat()
    response = _book(member_client, _desk_url(site), {"day": day, "part": "full"})
    assert response.status_code == 422
    assert "opening soon" in text_of(response)


def test_booking_without_csrf_token_is_refused(member_client, centre, session):
    day = (today_in_kerala() + timedelta(days=2)).isoformat()
    response = member_client.post(_desk_url(centre), data={"day": day, "part": "full"})
    assert response.status_code == 400
    assert _bookings(session) == []


# ---------------------------------------------------------------- beds

def test_booking_a_bed_for_three_nights_confirms_nights_and_times(member_client, hostel, session):
    check_in = today_in_kerala() + timedelta(days=5)
    check_out = check_in + timedelta(days=3)
    response = _book(member_client, _bed_url(hostel),
                      {"check_in": check_in.isoformat(), "check_out": check_out.isoformat()})
    assert response.status_code == 302
    page = text_of(member_client.get(response.location))
    assert "from 14:00" in page and "by 11:00" in page
    assert "<dt>Nights</dt><dd>3</dd>" in page
    [booking] = _bookings(session)
    assert booking.nights == 3 and booking.bed.room.designation in ("women", "anyone")


def test_bed_form_offers_only_suitable_rooms(member_client, hostel):
    check_in = today_in_kerala() + timedelta(days=5)
    url = (f"{_bed_url(hostel)}?check_in={check_in.isoformat()}"
           f"&check_out={(check_in + timedelta(days=2)).isoformat()}")
    page = text_of(member_client.get(url))
    assert "<th scope=\"row\">W1</th>" in page and "<th scope=\"row\">S1</th>" in page
    assert "<th scope=\"row\">M1</th>" not in page
    assert "2 nights" in page


def test_a_bed_in_a_room_for_others_is_refused_on_the_form(member_client, hostel, session):
    check_in = today_in_kerala() + timedelta(days=5)
    men_bed = next(b.label for r in hostel.rooms if r.name == "M1" for b in r.beds)
    url = _bed_url(hostel)
    session.rollback()  # release SQLite's write lock for the app
    response = _book(member_client, url, {
        "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=1)).isoformat(), "bed": men_bed})
    assert response.status_code == 422
    assert "is designated for men" in text_of(response)
    assert _bookings(session) == []


@pytest.mark.parametrize("nights, message", [
    (0, "Check-out must be after check-in."),
    (-2, "Check-out must be after check-in."),
    (400, "the longest stay at Infopark Hostel is 180 nights"),
])
def test_bed_form_refuses_reversed_and_overlong_stays(member_client, hostel, nights, message):
    check_in = today_in_kerala() + timedelta(days=5)
    response = _book(member_client, _bed_url(hostel), {
        "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=nights)).isoformat()})
    assert response.status_code == 422
    assert message in text_of(response)


def test_bed_form_requires_both_dates(member_client, hostel):
    response = _book(member_client, _bed_url(hostel), {"check_in": "", "check_out": "soon"})
    assert response.status_code == 422
    page = text_of(response)
    assert "Choose a check-in date." in page and "Not a valid date value." in page


def test_check_in_in_the_past_is_refused(member_client, hostel):
    check_in = today_in_kerala() - timedelta(days=2)
    response = _book(member_client, _bed_url(hostel), {
        "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=3)).isoformat()})
    assert response.status_code == 422
    assert "has already passed" in text_of(response)


def test_reversed_dates_in_step_one_are_explained(member_client, hostel):
    day = today_in_kerala() + timedelta(days=5)
    page = text_of(member_client.get(
        f"{_bed_url(hostel)}?check_in={day.isoformat()}&check_out={day.isoformat()}"))
    assert "Check-out must be after check-in." in page and "Book this bed" not in page


def test_step_one_says_when_the_centre_is_closed_for_a_holiday(member_client, centre, session):
    from booking.services.sites.capacity import add_closure

    day = today_in_kerala() + timedelta(days=4)
    add_closure(session, centre, day, day, reason="Vishu")
    session.commit()
    page = text_of(member_client.get(f"{_desk_url(centre)}?day={day.isoformat()}&part=full"))
    assert "is closed from" in page and "Vishu" in page and "Book this desk" not in page


def test_step_one_says_when_the_hostel_is_closed(member_client, hostel, session):
    from booking.services.sites.capacity import add_closure

    day = today_in_kerala() + timedelta(days=4)
    add_closure(session, hostel, day, day, reason="Maintenance")
    session.commit()
    url = (f"{_bed_url(hostel)}?check_in={(day - timedelta(days=1)).isoformat()}"
           f"&check_out={(day + timedelta(days=2)).isoformat()}")
    page = text_of(member_client.get(url))
    assert "Maintenance" in page and "Book this bed" not in page


# ---------------------------------------------------------------- step 1 is what is booked

def test_desk_form_has_one_day_and_one_time_input(member_client, centre):
    """Step 2 does not carry a second copy of step 1's choice that could disagree with it."""
    page = text_of(member_client.get(_desk_url(centre)))
    assert page.count('name="day"') == 1 and page.count('name="part"') == 3  # three radios
    assert page.count('<form method="post"') == 1


def test_bed_form_has_one_check_in_and_one_check_out_input(member_client, hostel):
    page = text_of(member_client.get(_bed_url(hostel)))
    assert page.count('name="check_in"') == 1 and page.count('name="check_out"') == 1


def test_desk_booking_whose_step_one_changed_is_refused_then_shows_the_new_choice(
        member_client, centre, session):
    url = _desk_url(centre)
    shown_day = today_in_kerala() + timedelta(days=1)
    chosen_day = today_in_kerala() + timedelta(days=6)
    response = submit(member_client, url, {
        "action": "book", "day": chosen_day.isoformat(), "part": "morning", "desk": "",
        "shown_day": shown_day.isoformat(), "shown_part": "full"})
    assert response.status_code == 422
    page = text_of(response)
    assert "nothing was booked" in page
    assert f"{chosen_day.day} {chosen_day:%b %Y} (Morning)" in page
    assert _bookings(session) == []
    # Step 2 is now built for the new choice, so booking again books exactly that.
    assert f'name="shown_day" value="{chosen_day.isoformat()}"' in page
    assert 'name="shown_part" value="morning"' in page
    response = _book(member_client, url,
                     {"day": chosen_day.isoformat(), "part": "morning", "desk": ""})
    assert response.status_code == 302
    [booking] = _bookings(session)
    assert (booking.starts_on, booking.part) == (chosen_day, "morning")


def test_desk_booking_from_a_page_without_a_step_two_is_refused(member_client, centre, session):
    day = (today_in_kerala() + timedelta(days=2)).isoformat()
    response = submit(member_client, _desk_url(centre),
                      {"action": "book", "day": day, "part": "full"})
    assert response.status_code == 422
    assert "nothing was booked" in text_of(response)
    assert _bookings(session) == []


def test_bed_booking_whose_dates_changed_is_refused(member_client, hostel, session):
    shown_in = today_in_kerala() + timedelta(days=3)
    check_in = today_in_kerala() + timedelta(days=10)
    response = submit(member_client, _bed_url(hostel), {
        "action": "book", "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=3)).isoformat(),
        "shown_check_in": shown_in.isoformat(),
        "shown_check_out": (shown_in + timedelta(days=3)).isoformat()})
    assert response.status_code == 422
    page = text_of(response)
    assert "nothing was booked" in page and f"{check_in.day} {check_in:%b %Y}" in page
    assert f'name="shown_check_in" value="{check_in.isoformat()}"' in page
    assert _bookings(session) == []


def test_show_free_desks_goes_to_the_choice_at_step_two_and_books_nothing(
        member_client, centre, session):
    url = _desk_url(centre)
    day = (today_in_kerala() + timedelta(days=4)).isoformat()
    response = submit(member_client, url, {
        "action": "show", "day": day, "part": "afternoon", "desk": "",
        "shown_day": day, "shown_part": "afternoon"})
    assert response.status_code == 303
    assert response.location.endswith(
        f"{url}?day={day}&part=afternoon#step2")
    assert _bookings(session) == []
    page = text_of(member_client.get(response.location))
    assert f'name="shown_day" value="{day}"' in page and "2 desks free" in page


def test_show_suitable_rooms_goes_to_the_stay_at_step_two(member_client, hostel):
    check_in = today_in_kerala() + timedelta(days=4)
    check_out = check_in + timedelta(days=2)
    response = submit(member_client, _bed_url(hostel), {
        "action": "show", "check_in": check_in.isoformat(), "check_out": check_out.isoformat()})
    assert response.status_code == 303
    assert response.location.endswith(f"?check_in={check_in.isoformat()}"
                                      f"&check_out={check_out.isoformat()}#step2")
