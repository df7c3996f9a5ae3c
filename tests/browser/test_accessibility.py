"""Accessible to all (GIGW 3.0 / WCAG 2.1 AA): axe-core over every page each role can reach.

The pages come from the crawl in tests/web/test_crawl.py, run over `seed-demo` as
each kind of person (it follows links and GET forms, so calendars, booking
pages, the day sheet, charts, the outbox and the audit log are all in it). One
URL per endpoint is checked, in Chromium, in English and Malayalam (the `lang`
cookie), at 390 and 1280 px: zero violations of the WCAG 2.0/2.1 A and AA
rules axe knows, and no sideways scrolling on a phone. axe is vendored in
tests/browser/vendor (see its README), never fetched from a CDN.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from booking.models import Site
from booking.seed import DEMO_PASSWORD
from tests.web.conftest import sign_in
from tests.web.test_crawl import ROLES, Crawl

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ("en", "ml")
# A11Y_SHOTS=/tmp/a11y-shots saves each page at 390 px there, to look at.
SHOTS = os.environ.get("A11Y_SHOTS")
WIDTHS = (PHONE, DESKTOP)
MAX_TAB_STOPS = 40  # per page, in English at 1280 px: the header, menus, the page's own first
# A hostel's and a centre's page differ (beds and rooms, desks and day parts), and
# so do an open, a planned and a closed one's: one site page of each is checked.
SAMPLED = {"web.site_page"}
# Earlier roles' pages are not checked again for later roles (the same template
# with a longer menu); each role adds the endpoints only it reaches.
ROLE_ORDER = list(ROLES)
# ...except pages that show more to someone signed in (what they may book, their own).
AGAIN = {"member": {"web.home", "web.site_page", "web.book_desk_page", "web.book_bed_page"}}
# Pages that no link leads to but people see.
EXTRA = {"visitor": ["/no-such-page"]}

RUN_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
  }));
}"""


class HtmlCrawl(Crawl):
    """The crawl, remembering which answers were HTML pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.html: list[str] = []

    def targets(self, url, response):
        if response.status_code == 200 and response.mimetype == "text/html":
            self.html.append(url)
        return super().targets(url, response)


def pages_to_check(app, role: str) -> list[str]:
    """One URL per endpoint this role reaches (more for a few), the role's own endpoints only."""
    seen_before: set[str] = set()
    for earlier in ROLE_ORDER[:ROLE_ORDER.index(role)]:
        if earlier not in _endpoints:  # the same on every seeding of the demo data
            _endpoints[earlier] = set(reachable(app, earlier))
        seen_before |= _endpoints[earlier]
    chosen: list[str] = []
    samples = site_samples(app)
    for endpoint, urls in reachable(app, role).items():
        if endpoint in seen_before and endpoint not in AGAIN.get(role, ()):
            continue
        chosen += [u for u in urls if u in samples] if endpoint in SAMPLED else urls[:1]
    return chosen + EXTRA.get(role, [])


_endpoints: dict[str, set[str]] = {}


def site_samples(app) -> set[str]:
    """The page of the first site of each kind and status (centre, hostel; open, planned...)."""
    with app.extensions["booking_db"].reader() as session:
        first: dict[tuple[str, str], str] = {}
        for site in session.scalars(select(Site).order_by(Site.id)):
            first.setdefault((site.kind, site.status), f"/sites/{site.slug}")
    return set(first.values())


def reachable(app, role: str) -> dict[str, list[str]]:
    """Endpoint -> HTML URLs (breadth-first order) the crawl reaches signed in as `role`."""
    client = app.test_client()
    if ROLES[role]:
        sign_in(client, ROLES[role], DEMO_PASSWORD)
    crawl = HtmlCrawl(client, app)
    crawl.run()
    found: dict[str, list[str]] = {}
    for url in crawl.html:
        found.setdefault(crawl.match(url.partition("?")[0])[0], []).append(url)
    _endpoints[role] = set(found)
    return found


def browser_sign_in(page, email: str) -> None:
    """Through the form, by field name (the labels change with the language)."""
    page.goto("/sign-in")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in(\?|$)"))  # signed in, moved on


def set_language(context, base_url: str, lang: str) -> None:
    context.add_cookies([{"name": "lang", "value": lang, "url": base_url}])


def check_page(page, url: str | None, lang: str, role: str = "", label: str = "") -> list[str]:
    """Problems on one page (`url`, or the one shown) in one language at both widths, as lines."""
    problems = []
    page.set_viewport_size(PHONE)
    status = "-"
    if url:
        response = page.goto(url)
        status = response.status if response else "?"
    url = label or url
    page.add_script_tag(path=str(AXE))
    for size in WIDTHS:
        page.set_viewport_size(size)
        where = f"{url} [{lang}, {size['width']} px, HTTP {status}]"
        if size == PHONE and SHOTS:
            name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
            shot = Path(SHOTS) / f"{role}-{lang}-{name[:80]}.png"
            page.screenshot(path=str(shot), full_page=True)
        if size == PHONE:
            wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if wide[0] > wide[1]:
                problems.append(f"{where}: scrolls sideways ({wide[0]} px wide > {wide[1]} px)")
        for v in page.evaluate(RUN_AXE, WCAG_AA):
            problems.append(f"{where}: {v['id']} ({v['impact']}: {v['help']}) at "
                            f"{'; '.join(v['targets'])}")
    return problems


def check_focus_rings(page, url: str, stops: int = MAX_TAB_STOPS) -> list[str]:
    """Tab from the top of the page shown: each stop (up to `stops`) shows a focus ring."""
    problems = []
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused or focused["tag"] == "body":
            break  # past the last stop
        if not page.evaluate(RING_SHOWN):
            problems.append(f"{url} [Tab]: no visible focus ring on {focused}")
    return problems


@pytest.fixture
def demo_app(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_every_page_meets_wcag_21_aa_in_both_languages_at_390_and_1280_px(
        demo_app, db, browser, live_server, role):
    urls = pages_to_check(demo_app, role)
    assert urls, f"{role}: the crawl found no pages"
    context = browser.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        if ROLES[role]:
            browser_sign_in(page, ROLES[role])
        problems = []
        for lang in LANGUAGES:
            set_language(context, live_server, lang)
            for url in urls:
                problems += check_page(page, url, lang, role)
                if lang == LANGUAGES[0]:
                    problems += check_focus_rings(page, url)
    finally:
        context.close()
    assert not problems, (f"{role}: {len(problems)} accessibility problems on {len(urls)} pages:\n"
                          + "\n".join(problems))


# Pages that only a POST shows: forms sent empty (their errors), and a booking's
# second step. (role, page, the submit button to press)
FORM_STATES = [
    ("visitor", "/sign-in", "main form button[type=submit]"),
    ("visitor", "/register", "main form button[type=submit]"),
    ("member", "/sites/kottarakkara/book-desk", "button[value=show]"),
    ("member", "/sites/technopark-hostel/book-bed", "button[value=show]"),
    ("member", "/account/password", "main form button[type=submit]"),
]


def test_forms_after_sending_meet_wcag_21_aa_in_both_languages(demo_app, browser, live_server):
    problems = []
    for role in dict.fromkeys(r for r, _, _ in FORM_STATES):
        context = browser.new_context(viewport=PHONE, base_url=live_server, bypass_csp=True)
        try:
            page = context.new_page()
            if ROLES[role]:
                browser_sign_in(page, ROLES[role])
            for lang in LANGUAGES:
                set_language(context, live_server, lang)
                for who, url, button in FORM_STATES:
                    if who == role:
                        page.set_viewport_size(PHONE)
                        page.goto(url)
                        with page.expect_navigation():
                            page.locator(button).first.click()
                        problems += check_page(page, None, lang, role, label=f"{url} (sent)")
        finally:
            context.close()
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- keyboard

FOCUSED = """() => {
  const el = document.activeElement;
  return el ? {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
               name: el.getAttribute('name'), value: el.getAttribute('value'),
               href: el.getAttribute('href'), type: el.getAttribute('type')} : null;
}"""
# The focus ring is on the element or, for inputs styled as pills or cards, on
# an ancestor within three levels (.radio-pill:has(:focus-visible), .site-card).
# Chromium's picker button (inside a date or time input, a Tab stop of its own)
# draws its own ring, which no style sheet reaches; the host is then not :focus.
RING_SHOWN = """() => {
  const active = document.activeElement;
  if (active && ['date', 'time'].includes(active.type) && !active.matches(':focus')) return true;
  for (let el = active, i = 0; el && i < 4; el = el.parentElement, i++) {
    const s = getComputedStyle(el);
    if ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none')
      return true;
  }
  return false;
}"""


def tab_to(page, matches, limit: int = 120) -> dict:
    """Press Tab until the focused element matches; every stop on the way shows a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert page.evaluate(RING_SHOWN), f"no visible focus ring on {focused} at {page.url}"
        if focused and matches(focused):
            return focused
    raise AssertionError(f"Tab never reached the element on {page.url}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_main(
        browser, live_server, make, session, lang):
    make.centre(name="WNH Kottarakkara", slug="kottarakkara")
    session.commit()
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    try:
        set_language(context, live_server, lang)
        page = context.new_page()
        page.goto("/")
        skip = page.locator("a.skip-link")
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED)["cls"] == "skip-link"
        expect(skip).to_be_in_viewport()  # off screen until focused
        assert page.evaluate(RING_SHOWN)
        page.keyboard.press("Enter")
        assert page.evaluate(FOCUSED)["id"] == "main"
        page.keyboard.press("Tab")  # the next stop is inside main, past the header
        assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
        page.goto("/")
        expect(skip).not_to_be_in_viewport()
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_member_books_a_desk_from_the_site_page_with_the_keyboard_alone(
        browser, live_server, make, session, lang):
    from tests.conftest import PASSWORD
    from .test_member_flows import _next_open_day

    make.centre(name="WNH Kottarakkara", slug="kottarakkara", desks=4, opening_days="0123456")
    make.member(email="meera@example.org", name="Meera Pillai")
    session.commit()
    day = _next_open_day(3)
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/sign-in")
        page.locator("input[name=email]").fill("meera@example.org")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=password]").press("Enter")
        expect(page).not_to_have_url(re.compile("/sign-in"))
        set_language(context, live_server, lang)

        page.goto("/sites/kottarakkara")
        tab_to(page, lambda f: f["tag"] == "a" and f"day={day.isoformat()}" in (f["href"] or ""))
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/book-desk\?day="))
        tab_to(page, lambda f: f["tag"] == "input" and f["name"] == "part")
        page.keyboard.press("Space")  # the first choice: the whole day
        tab_to(page, lambda f: f["tag"] == "button" and f["value"] == "show")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.evaluate(FOCUSED)["id"] == "step2"  # focus follows to the second step
        tab_to(page, lambda f: f["tag"] == "button" and f["value"] == "book")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/bookings/\d+$"))

        # Back on the calendar the day says so in words, not by colour alone.
        page.goto("/sites/kottarakkara")
        cell = page.locator(f'a.cal-link[href*="day={day.isoformat()}"]')
        expect(cell.locator(".slot-yours")).to_have_count(2)  # morning and afternoon
        if lang == "en":
            both = re.compile("Morning.*booked by you.*Afternoon.*booked by you")
            expect(page.get_by_role("link", name=both)).to_be_visible()
    finally:
        context.close()


def test_at_390px_the_admin_chart_is_a_named_region_tab_reaches_and_arrow_keys_scroll(
        demo_app, browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    try:
        page = context.new_page()
        browser_sign_in(page, "admin@example.org")
        page.goto("/admin/")
        chart = page.locator(".chart-scroll")
        assert chart.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than the phone
        tab_to(page, lambda f: "chart-scroll" in (f["cls"] or ""))
        summary = page.locator("#state-chart-title").text_content()
        expect(page.get_by_role("region", name=summary)).to_be_focused()
        page.keyboard.press("ArrowRight")
        expect(chart).not_to_have_js_property("scrollLeft", 0)  # (a smooth scroll, so wait)
    finally:
        context.close()
