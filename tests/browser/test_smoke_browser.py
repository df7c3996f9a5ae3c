import pytest

pytestmark = pytest.mark.browser


def test_home_page_lists_sites(page, make, session):
    make.centre(name="WNH Kottarakkara")
    session.commit()
    page.goto("/")
    assert page.get_by_text("WNH Kottarakkara").is_visible()
