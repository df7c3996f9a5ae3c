"""Malayalam or English: which one a request gets, the switch, dates in it, the font."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.dates import format_date, get_day_names
from babel.messages.extract import extract_from_file
from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.i18n import COOKIE, current_locale, select_locale
from booking.models import User

from .conftest import csrf_token, sign_in, text_of

ROOT = Path(__file__).resolve().parents[2]
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def page_lang(response) -> str:
    match = HTML_LANG.search(text_of(response))
    assert match, "no <html lang> on the page"
    return match.group(1)


def saved_locale(session, user) -> str | None:
    session.rollback()  # see what the requests committed, not what this session holds
    locale = session.scalar(select(User.locale).where(User.id == user.id))
    session.rollback()  # and hold no transaction open while the app writes
    return locale


def checked_language(page: str) -> str:
    section = page[page.index('id="language"'):]
    radios = re.findall(r"<input[^>]*>", section[:section.index("</form>")])
    return next(re.search(r'value="(\w+)"', r).group(1) for r in radios
                if "checked" in r and 'name="lang"' in r)


def switch(client, lang: str, next_url: str, *, form_url: str = "/"):
    return client.post("/language", data={"lang": lang, "next": next_url,
                                          "csrf_token": csrf_token(client, form_url)})


@pytest.fixture
def malayalam_member(make, session):
    user = make.member(email="lakshmi@example.org", name="Lakshmi Nair")
    user.locale = "ml"
    session.commit()
    return user


# ---------------------------------------------------------------- the order

def test_english_without_any_hint(client, db):
    assert page_lang(client.get("/")) == "en"


def test_the_browser_language_on_a_first_visit(client, db):
    malayalam_first = {"Accept-Language": "ml-IN,ml;q=0.9,en;q=0.5"}
    assert page_lang(client.get("/", headers=malayalam_first)) == "ml"
    assert page_lang(client.get("/", headers={"Accept-Language": "en-GB,ml;q=0.5"})) == "en"
    assert page_lang(client.get("/", headers={"Accept-Language": "ta,fr"})) == "en"


def test_the_saved_language_beats_the_browser(client, malayalam_member):
    sign_in(client, malayalam_member.email)
    assert page_lang(client.get("/", headers={"Accept-Language": "en"})) == "ml"


def test_the_cookie_beats_the_saved_language(client, malayalam_member):
    sign_in(client, malayalam_member.email)
    client.set_cookie(COOKIE, "en")
    assert page_lang(client.get("/", headers={"Accept-Language": "ml"})) == "en"


def test_an_unknown_cookie_value_is_ignored(client, db):
    client.set_cookie(COOKIE, "xx")
    assert page_lang(client.get("/", headers={"Accept-Language": "ml"})) == "ml"


def test_the_address_beats_the_cookie_and_is_remembered(client, db):
    client.set_cookie(COOKIE, "en")
    response = client.get("/?lang=ml")
    assert page_lang(response) == "ml"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=ml;") and "SameSite=Lax" in cookie
    assert f"Max-Age={365 * 24 * 3600}" in cookie
    assert page_lang(client.get("/")) == "ml"  # the next page, without ?lang=
    assert page_lang(client.get("/?lang=en")) == "en"
    assert page_lang(client.get("/?lang=fr")) == "en"  # unknown: the cookie (now en) holds


def test_a_file_asked_for_in_a_language_leaves_the_pages_language_alone(client, db):
    # A receipt PDF in Malayalam (?lang=ml) must not turn the staff's pages into Malayalam.
    response = client.get("/static/css/app.css?lang=ml")
    response.close()  # a static file is streamed from disk
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert page_lang(client.get("/")) == "en"


@pytest.mark.parametrize("headers, cookie, expected", [
    ({"Accept-Language": "ml"}, "en", "ml"),  # the API ignores the cookie
    ({"Accept-Language": "en"}, "ml", "en"),
    ({}, "ml", "en"),
])
def test_the_api_follows_accept_language_not_the_cookie(app, headers, cookie, expected):
    with app.test_request_context("/api/v1/sites", headers={
            **headers, "Cookie": f"{COOKIE}={cookie}"}):
        assert select_locale() == expected


def test_the_api_uses_the_token_holders_language_when_the_client_names_none(app, malayalam_member):
    from flask import g

    with app.test_request_context("/api/v1/sites"):
        g.api_user = malayalam_member
        assert select_locale() == "ml"
    with app.test_request_context("/api/v1/sites", headers={"Accept-Language": "en"}):
        g.api_user = malayalam_member
        assert select_locale() == "en"


def test_the_api_docs_page_is_a_page(client, db):
    client.set_cookie(COOKIE, "ml")
    assert page_lang(client.get("/api/")) == "ml"


def test_current_locale_is_en_or_ml(app):
    with app.test_request_context("/", headers={"Accept-Language": "ml-IN"}):
        assert current_locale() == "ml"
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        assert current_locale() == "en"


# ---------------------------------------------------------------- the switch

def test_every_page_has_the_switch_back_to_itself(client, make, session):
    make.centre(slug="kollam", name="WNH Kollam")
    session.commit()
    page = text_of(client.get("/sites/kollam?lang=en&from=2026-12-01"))
    form = page[page.index('class="language-switch"'):]
    form = form[:form.index("</form>")]
    assert 'action="/language"' in form and 'method="post"' in form
    assert 'name="next" value="/sites/kollam?from=2026-12-01"' in form  # no ?lang= kept
    assert '<button type="submit" class="link-button" name="lang" value="ml" lang="ml">' \
           "മലയാളം</button>" in form
    assert 'aria-current="true">English</span>' in form


def test_switching_keeps_the_page(client, make, session):
    make.centre(slug="kollam", name="WNH Kollam")
    session.commit()
    response = switch(client, "ml", "/sites/kollam?from=2026-12-01")
    assert response.status_code == 302
    assert response.location == "/sites/kollam?from=2026-12-01"
    assert "lang=ml;" in response.headers["Set-Cookie"]
    assert page_lang(client.get(response.location)) == "ml"
    back = switch(client, "en", "/sites/kollam", form_url="/sites/kollam")
    assert back.location == "/sites/kollam" and page_lang(client.get("/")) == "en"


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                  "javascript:alert(1)", ""])
def test_switching_never_leaves_the_site(client, db, evil):
    response = switch(client, "ml", evil)
    assert response.status_code == 302 and response.location == "/"


def test_switching_needs_the_csrf_token_and_a_known_language(client, db):
    assert client.post("/language", data={"lang": "ml", "next": "/"}).status_code == 400
    assert switch(client, "fr", "/").status_code == 400


def test_switching_while_signed_in_saves_the_language(client, member, session):
    sign_in(client, member.email)
    assert switch(client, "ml", "/bookings", form_url="/bookings").location == "/bookings"
    # Another browser, no cookie: the saved language follows the member there.
    other = client.application.test_client()
    sign_in(other, member.email)
    assert page_lang(other.get("/bookings", headers={"Accept-Language": "en"})) == "ml"
    assert saved_locale(session, member) == "ml"


def test_switching_signed_out_saves_only_the_cookie(client, member, session):
    switch(client, "ml", "/")
    assert saved_locale(session, member) is None


def test_the_profile_offers_the_language_and_saves_it(client, member, session):
    sign_in(client, member.email)
    page = text_of(client.get("/account"))
    section = page[page.index('id="language"'):]
    assert checked_language(section) == "en"  # none saved: the page's language
    response = switch(client, "ml", "/account#language", form_url="/account")
    assert response.location == "/account#language"
    assert saved_locale(session, member) == "ml"
    assert checked_language(text_of(client.get("/account"))) == "ml"


# ---------------------------------------------------------------- dates and names

def test_dates_and_weekdays_in_malayalam_come_from_babel(client, member, make, session):
    site = make.centre(slug="kollam", name="WNH Kollam")
    day = today_in_kerala() + timedelta(days=5)
    make.desk_booking(member=member, site=site, day=day, now=now_in_kerala())
    session.commit()
    sign_in(client, member.email)
    client.set_cookie(COOKIE, "ml")
    bookings = text_of(client.get("/bookings"))
    assert format_date(day, "d MMM y", locale="ml") in bookings
    assert format_date(day, "d MMM y", locale="en") not in bookings
    calendar = text_of(client.get("/sites/kollam"))
    monday = get_day_names("abbreviated", locale="ml")[0]
    assert f"<span>{monday}</span>" in calendar  # the calendar's weekday header
    client.set_cookie(COOKIE, "en")
    english = text_of(client.get("/bookings"))
    assert f"{day.day} {day:%b %Y}" in english  # English as before: 25 Nov 2026
    assert "<span>Mon</span>" in text_of(client.get("/sites/kollam"))


# ---------------------------------------------------------------- form messages

def test_wtforms_own_messages_are_in_our_catalogue():
    found = {message if isinstance(message, str) else message[0]
             for _line, message, _comments, _context in extract_from_file(
                 "python", ROOT / "booking/forms.py")}
    for text in ("This field is required.", "Invalid email address.", "Not a valid date value.",
                 "Field must be at least %(min)d character long."):
        assert text in found


def test_wtforms_messages_are_looked_up_in_the_catalogue(app, monkeypatch):
    from wtforms import StringField
    from wtforms.validators import DataRequired

    from booking import forms

    class Catalogue:
        def ugettext(self, s):
            return {"This field is required.": "ഈ വിവരം നൽകുക."}.get(s, s)

        def ungettext(self, s, p, n):
            return s if n == 1 else p

    class Probe(forms.BaseForm):
        thing = StringField(validators=[DataRequired()])

    monkeypatch.setattr(forms, "get_translations", Catalogue)
    with app.test_request_context("/", method="POST", data={}):
        form = Probe(meta={"csrf": False})
        assert not form.validate()
        assert form.thing.errors == ["ഈ വിവരം നൽകുക."]


# ---------------------------------------------------------------- the font

@pytest.mark.parametrize("weight", ["400", "700"])
def test_the_malayalam_font_is_served_by_the_app_and_cached(client, weight):
    response = client.get(f"/static/fonts/noto-sans-malayalam-5.3.0-{weight}.woff2")
    assert response.status_code == 200 and response.data[:4] == b"wOF2"
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.public
    response.close()


def test_the_stylesheet_declares_the_font_and_its_licence_is_beside_it(client):
    response = client.get("/static/css/app.css")
    css = text_of(response)
    response.close()
    assert css.count("font-display: swap") >= 2
    assert 'url("../fonts/noto-sans-malayalam-5.3.0-400.woff2")' in css
    assert "html:lang(ml) body" in css
    assert "SIL OPEN FONT LICENSE Version 1.1" in (
        ROOT / "booking/static/fonts/OFL.txt").read_text()
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", css)  # nothing from another server


# ---------------------------------------------------------------- error pages

def test_error_pages_use_our_words_not_werkzeugs(client, db):
    page = text_of(client.post("/language", data={"lang": "ml", "next": "/"}))  # no CSRF token
    assert "This form has expired" in page and "CSRF" not in page
    page = text_of(client.post("/"))  # a GET-only address
    assert "Not possible at this address" in page and "Method Not Allowed" not in page


def test_answers_in_a_chosen_language_say_what_they_vary_on(client, db):
    vary = client.get("/").headers.get("Vary", "")
    assert "Accept-Language" in vary and "Cookie" in vary
