"""Screenshots of the member pages at desktop and phone widths, for a design review.

Serves the app on a temporary SQLite database filled with the demo data, then
drives Debian's Chromium through Playwright and saves PNGs into screenshots/:

    .venv/bin/python scripts/screenshots.py [--port 5100]
"""
from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from booking import create_app, migrate
from booking.db import open_database
from booking.seed import DEMO_PASSWORD, seed_demo_data

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# name, path, needs a signed-in member
PAGES = [
    ("home", "/", False),
    ("site-centre", "/sites/kottarakkara", False),
    ("site-hostel", "/sites/technopark-hostel", False),
    ("site-planned", "/sites/kollam", False),
    ("register", "/register", False),
    ("not-found", "/sites/no-such-place", False),
    ("book-desk", "/sites/kottarakkara/book-desk", True),
    ("book-bed", "/sites/technopark-hostel/book-bed", True),
    ("my-bookings", "/bookings", True),
    ("booking", None, True),  # the first upcoming booking's confirmation page
    ("account", "/account", True),
]


def seeded_app(db_file: Path):
    url = f"sqlite:///{db_file}"
    migrate.upgrade(url)
    database = open_database(url)
    with database.writer() as session:
        seed_demo_data(session)
        session.commit()
    database.dispose()
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "screenshots",
                       "RATELIMIT_ENABLED": False})


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill("anjali@example.org")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/bookings")


def shoot(base: str) -> list[Path]:
    OUT.mkdir(exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             headless=True, args=CHROMIUM_ARGS)
        for label, viewport in WIDTHS.items():
            context = browser.new_context(viewport=viewport, is_mobile=label == "phone",
                                          locale="en-IN", timezone_id="Asia/Kolkata")
            page = context.new_page()
            signed_in = False
            for name, path, needs_member in PAGES:
                if needs_member and not signed_in:
                    sign_in(page, base)
                    signed_in = True
                if path is None:
                    page.locator(".booking-main h3 a").first.click()
                    page.wait_for_load_state()
                else:
                    page.goto(base + path)
                target = OUT / f"{name}-{label}.png"
                page.screenshot(path=str(target), full_page=True)
                saved.append(target)
            context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = seeded_app(Path(tmp) / "demo.sqlite3")
        WSGIRequestHandler.log_request = lambda *a, **k: None  # quiet access log
        app.logger.setLevel("WARNING")
        server = make_server("127.0.0.1", args.port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            for path in shoot(f"http://127.0.0.1:{args.port}"):
                print(path.relative_to(ROOT))
        finally:
            server.shutdown()
            thread.join(timeout=5)
            app.extensions["booking_db"].dispose()


if __name__ == "__main__":
    main()
