"""The warden runs the day at the Technopark hostel from a 390 px phone, on the demo data:
marks an arrival, records the resident's register entry (a full Aadhaar number refused first),
takes a payment and opens its receipt, moves a resident (a refusal first, next to the field),
marks a departure.
Screenshots go to WARDEN_SHOTS (default /tmp/warden-shots)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from booking.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("WARDEN_SHOTS", "/tmp/warden-shots"))


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "sideways scroll"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _card(page, name: str):
    return page.locator("li.stay").filter(has_text=name)


def test_the_warden_runs_the_day_from_a_phone(phone_page, app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    page = phone_page
    page.goto("/sign-in")
    page.get_by_label("Email").fill("warden@example.org")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/admin/sites")
    page.get_by_role("link", name="Technopark Professionals' Hostel").first.click()
    page.get_by_role("link", name="Warden", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Arriving"))).to_be_visible()
    expect(_card(page, "Divya Krishnan")).to_be_visible()
    expect(_card(page, "Meenakshi Rajan")).to_contain_text("monthly")
    _fits(page)
    _shot(page, "1-day")

    # Arrival.
    _card(page, "Divya Krishnan").get_by_role("button", name="Mark arrival").click()
    expect(page.get_by_text("Divya Krishnan has arrived")).to_be_visible()
    expect(_card(page, "Divya Krishnan")).to_contain_text("arrived")
    expect(_card(page, "Divya Krishnan").get_by_role("button", name="Mark arrival")).to_have_count(0)
    _fits(page)
    _shot(page, "2-arrived")

    # The register entry at arrival: a full Aadhaar number is refused, saying why.
    _card(page, "Divya Krishnan").get_by_role("link", name="Register").click()
    page.get_by_label("Full name (as on the ID document)").fill("Divya Krishnan")
    page.get_by_label("Mobile phone", exact=True).fill("+91 94470 11111")
    page.get_by_label("Emergency contact's name").fill("Latha Krishnan")
    page.get_by_label("Emergency contact's mobile phone").fill("+91 94470 22222")
    page.get_by_label("ID document seen").select_option(label="Aadhaar")
    page.get_by_label("Last four digits of its number").fill("1234 5678 9012")
    page.get_by_role("button", name="Save the entry").click()
    expect(page.get_by_text("That is a full Aadhaar number")).to_be_visible()
    _fits(page)
    _shot(page, "2a-register-refused")
    page.get_by_label("Last four digits of its number").fill("9012")
    page.get_by_role("button", name="Save the entry").click()
    expect(page.get_by_text("Register entry saved.")).to_be_visible()
    expect(page.get_by_text("1234 5678")).to_have_count(0)

    # A payment, numbered, and its receipt PDF.
    page.goto(page.url.replace("/register", "/payments"))
    page.get_by_label("Amount (₹)").fill("7,500")
    page.get_by_role("button", name="Record and number the receipt").click()
    expect(page.get_by_text(re.compile(r"Recorded: receipt TECHNOPARK-HOSTEL-\d+"))).to_be_visible()
    _fits(page)
    _shot(page, "2b-payment")
    receipt = page.get_by_role("link", name="PDF").first.get_attribute("href")
    pdf = page.request.get(receipt)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.goto("/admin/sites")
    page.get_by_role("link", name="Technopark Professionals' Hostel").first.click()
    page.get_by_role("link", name="Warden", exact=True).click()

    # A move: a men's room is refused next to the field, a women's bed is taken.
    _card(page, "Meenakshi Rajan").get_by_role("link", name="Move").click()
    expect(page.get_by_role("heading", name="Move Meenakshi Rajan")).to_be_visible()
    bed = page.get_by_label("New bed", exact=True)
    bed.select_option(label=_option(bed, "room B101"))
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator("#bed-error")).to_contain_text("Room B101 is for men only")
    _fits(page)
    _shot(page, "3-move-refused")
    bed = page.get_by_label("New bed", exact=True)
    choice = _options(bed)[1]  # the first bed offered is free and allowed
    assert "room A1" in choice and "taken" not in choice and "not for" not in choice
    bed.select_option(label=choice)
    page.get_by_label("Why (the resident sees it)").fill("Quieter room, as asked")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text(re.compile("Meenakshi Rajan moves to bed A10"))).to_be_visible()
    _fits(page)

    # Departure of someone leaving today.
    leaving = _card(page, "Nikhil Sasidharan")
    leaving.get_by_role("button", name="Mark departure").click()
    expect(page.get_by_text(re.compile("Nikhil Sasidharan has left"))).to_be_visible()
    expect(_card(page, "Nikhil Sasidharan")).to_contain_text("left")
    _fits(page)
    _shot(page, "4-departed")


def _options(select) -> list[str]:
    return select.locator("option").all_inner_texts()


def _option(select, text: str) -> str:
    return next(o for o in _options(select) if text in o)
