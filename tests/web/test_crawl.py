"""Crawl the site over the demo data as each kind of person: no broken link, no 5xx.

The permission matrix asks every route with a tiny world; this follows what the
pages themselves render (links, pagination, GET filter forms submitted with
their default values) over `seed-demo`'s realistic data, where pages have more
than one page of results. A link the site rendered must not answer 5xx or a
"broken" status (403, 404, 405, 410), and no page may show a date as ISO
(2026-12-08) in the text people read. To stay quick, at most PER_PATTERN URLs
are fetched per URL pattern (endpoint, named path values, set of query keys),
so every endpoint, every site and every kind of query is still visited.
"""
from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from booking.seed import DEMO_PASSWORD

from .conftest import sign_in

PER_PATTERN = 4
MAX_FETCHES = 1500
SKIPPED_PATHS = {"/sign-out"}
# A rendered link answering one of these is broken (a 403 is a link shown to
# someone it refuses). A 400 may be fair: a GET form sent with its defaults.
BROKEN = {403, 404, 405, 410}
ROLES = {
    "visitor": None,
    "member": "anjali@example.org",
    "manager": "manager@example.org",
    "warden": "warden@example.org",
    "admin": "admin@example.org",
}
# Pages each role must reach by following links (proof the crawl got somewhere).
MUST_REACH = {
    "visitor": {"web.home", "web.site_page", "web.sign_in", "web.register", "web.about_data"},
    "member": {"web.my_bookings", "web.booking_page", "web.profile", "web.book_desk_page",
               "web.book_bed_page", "api_docs", "web.book_month_page",
               "web.extend_stay_page", "web.give_notice_page", "web.accept_policies_page",
               "web.policy_page", "web.my_payments", "web.my_receipt"},
    "manager": {"admin.dashboard", "admin.booking_list", "admin.booking_detail",
                "admin.site_today", "admin.site_check_in_code"},
    "warden": {"admin.dashboard", "admin.hostel_day", "admin.stay_move", "admin.booking_detail",
               "admin.register_entry", "admin.booking_payments",
               "admin.site_today"},
    "admin": {"admin.dashboard", "admin.booking_list", "admin.booking_detail",
              "admin.user_list", "admin.audit_log", "admin.site_list", "admin.register_entry",
              "admin.hostel_day", "admin.stay_move", "admin.site_tariffs", "admin.booking_payments",
              "admin.site_collections"},
}


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MACHINE_TEXT = {"code", "pre", "script", "style", "textarea"}  # examples, JSON, data


class PageLinks(HTMLParser):
    """A page's hrefs/srcs, GET forms (with their default values) and the text people read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._machine = 0
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, options, selected

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self._machine += tag in MACHINE_TEXT
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag in ("link", "img", "script") and (a.get("href") or a.get("src")):
            self.links.append(a.get("href") or a["src"])
        elif tag == "form":
            if a.get("method", "get").lower() == "get":
                self._form = (a.get("action", ""), [])
        elif self._form is not None and ("name" in a or tag == "option") and "disabled" not in a:
            self._field(tag, a)

    def _field(self, tag, a):
        values = self._form[1]
        if tag == "select":
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))  # text-valued options are rare here
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                if kind == "radio" and not any(n == a["name"] for n, _ in values):
                    values.append((a["name"], a.get("value", "on")))  # first choice
                return
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind == "radio":
                values[:] = [(n, v) for n, v in values if n != a["name"]]
            values.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            values.append((a["name"], ""))

    def handle_data(self, data):
        if not self._machine:
            self.text.append(data)

    def handle_endtag(self, tag):
        self._machine -= tag in MACHINE_TEXT and self._machine > 0
        if tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            chosen = selected[:1] or options[:1]
            self._form[1].extend((name, v) for v in chosen)
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


@dataclass
class Crawl:
    client: object
    app: object
    fetched: dict[str, int] = field(default_factory=dict)   # url -> status
    found_on: dict[str, str] = field(default_factory=dict)  # url -> first page linking it
    endpoints: Counter = field(default_factory=Counter)
    patterns: Counter = field(default_factory=Counter)
    iso_dates: dict[str, list[str]] = field(default_factory=dict)  # url -> dates shown as ISO

    def match(self, path: str) -> tuple[str, dict]:
        try:
            return self.app.url_map.bind("localhost").match(path, method="GET")
        except HTTPException as e:
            return f"<{e.code}>", {}

    def normalise(self, href: str, base: str) -> str | None:
        """The same-origin URL a browser would fetch, query sorted, no fragment."""
        if href.startswith(("mailto:", "tel:", "geo:", "javascript:", "data:", "#")):
            return None
        parts = urlsplit(urljoin("http://localhost" + base, href))
        if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
            return None
        if parts.path in SKIPPED_PATHS:
            return None
        query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
        return parts.path + (f"?{query}" if query else "")

    def admit(self, url: str) -> bool:
        """Bounded by URL pattern: endpoint, its named path values, the set of query keys.

        Numeric ids are interchangeable; names are not (each site's page, each
        kind of part), so every site and every kind of page is still visited.
        """
        path, _, query = url.partition("?")
        endpoint, args = self.match(path)
        named = tuple(sorted((k, v) for k, v in args.items() if isinstance(v, str)))
        keys = tuple(sorted({k for k, _ in parse_qsl(query, keep_blank_values=True)}))
        pattern = (endpoint, named, keys)
        if self.patterns[pattern] >= PER_PATTERN:
            return False
        self.patterns[pattern] += 1
        return True

    def run(self, start: str = "/") -> None:
        queue = deque([start])
        self.found_on[start] = "(start)"
        while queue and len(self.fetched) < MAX_FETCHES:
            url = queue.popleft()
            response = self.client.get(url)
            response.close()  # static files are streamed from disk
            self.fetched[url] = response.status_code
            self.endpoints[self.match(url.partition("?")[0])[0]] += 1
            for target in self.targets(url, response):
                if target not in self.found_on and self.admit(target):
                    self.found_on[target] = url
                    queue.append(target)

    def targets(self, url: str, response) -> list[str]:
        if response.status_code in (301, 302, 303, 307, 308):
            target = self.normalise(response.headers["Location"], url)
            return [target] if target else []
        if not response.mimetype == "text/html":
            return []
        page = PageLinks()
        page.feed(response.get_data(as_text=True))
        if shown := ISO_DATE.findall(" ".join(page.text)):
            self.iso_dates[url] = shown
        hrefs = list(page.links)
        for action, values in page.forms:
            hrefs.append((action or url.partition("?")[0]) + "?" + urlencode(values))
        return [t for t in (self.normalise(h, url) for h in hrefs) if t]


@pytest.fixture
def demo_app(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_a_person_can_reach_works(demo_app, db, role):
    client = demo_app.test_client()
    if ROLES[role]:
        sign_in(client, ROLES[role], DEMO_PASSWORD)
    crawl = Crawl(client, demo_app)
    crawl.run()

    broken = {url: (status, crawl.found_on[url]) for url, status in crawl.fetched.items()
              if status >= 500 or status in BROKEN}
    assert not broken, f"{role}: broken links (status, linked from): {broken}"
    iso_dates = crawl.iso_dates
    assert not iso_dates, f"{role}: dates shown as ISO, not like 8 Dec 2026: {iso_dates}"
    missed = MUST_REACH[role] - set(crawl.endpoints)
    assert not missed, f"{role} never reached {missed}; reached {sorted(crawl.endpoints)}"
    assert len(crawl.fetched) < MAX_FETCHES, "the crawl was cut short: raise the bound"
    if role == "admin":  # the demo data has more than a page of bookings
        bookings = [u for u in crawl.fetched if u.startswith("/admin/bookings?")]
        assert any("page=2" in u for u in bookings), bookings
        assert any("status=" in u and "page" not in u for u in bookings), bookings  # filter form

