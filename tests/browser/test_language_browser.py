"""The language switch in a real browser: by keyboard, on a phone, same page, our own font."""
import pytest

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching selector has the focus (as a keyboard user)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never got the keyboard focus")


def test_switching_by_keyboard_on_a_phone_keeps_the_page(phone_page, make, session):
    make.centre(slug="kollam", name="WNH Kollam")
    session.commit()
    fonts = []
    phone_page.on("response", lambda r: fonts.append(r) if r.url.endswith(".woff2") else None)
    phone_page.goto("/sites/kollam?from=2026-12-01")
    assert phone_page.evaluate("document.documentElement.lang") == "en"
    tab_to(phone_page, 'button[name="lang"][value="ml"]')
    with phone_page.expect_navigation():  # the POST, then the redirect back
        phone_page.keyboard.press("Enter")
    assert phone_page.evaluate("document.documentElement.lang") == "ml"
    assert phone_page.url.endswith("/sites/kollam?from=2026-12-01")
    # Nothing pushes the page sideways at 390 px (Malayalam words are long).
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.evaluate("document.fonts.ready")
    served = [r for r in fonts if "/static/fonts/noto-sans-malayalam" in r.url]
    assert served and all(r.status in (200, 304) for r in served)  # from us, no CDN
    tab_to(phone_page, 'button[name="lang"][value="en"]')
    with phone_page.expect_navigation():
        phone_page.keyboard.press("Enter")
    assert phone_page.evaluate("document.documentElement.lang") == "en"
    assert phone_page.url.endswith("/sites/kollam?from=2026-12-01")
