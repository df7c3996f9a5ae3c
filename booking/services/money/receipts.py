"""Receipt PDFs (fpdf2), in English or Malayalam.

A receipt is one payment row: numbered per site, with the site, resident,
stay period, amount in ₹ with Indian digit grouping and in words, and the
stay's balance after it (receipts up to and including this one, so the PDF
says the same whenever it is downloaded).

The labels live here in both languages rather than in the gettext
catalogues: a receipt is a record handed over once, and must read the same
in whichever language it was asked for, whatever the page's locale. The
amount in words is in English (Indian system) on both; the Malayalam receipt
says so.

Fonts (booking/static/fonts/pdf, OFL): Noto Sans for Latin and ₹, Noto Sans
Malayalam as the fallback for Malayalam, shaped by HarfBuzz (uharfbuzz).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date
from fpdf import FPDF
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Payment
from ...models.money import PaymentKind
from .amounts import amount_in_words, format_inr
from .dues import _charges

FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts" / "pdf"
LANGUAGES = ("en", "ml")

LABELS = {
    "en": {
        "title": "Receipt", "receipt_no": "Receipt No.", "date": "Date", "site": "Hostel",
        "resident": "Resident", "booking": "Booking", "bed": "Bed", "period": "Period",
        "kind": "For", "mode": "Paid by", "reference": "Reference", "amount": "Amount",
        "words": "Amount in words", "balance": "Balance due for this stay",
        "payment": "Payment received", "refund": "Refund paid", "reversal": "Reversal of receipt No. %s",
        "cash": "Cash", "upi": "UPI", "bank": "Bank transfer", "deleted": "(deleted account)",
        "open": "open-ended, until notice", "footer": "Computer-generated receipt; no signature needed.",
        "monthly": "monthly stay", "nightly": "nightly stay", "reason": "Reason",
        "overpaid": "Paid in excess (to be refunded)",
    },
    "ml": {
        "title": "രസീത്", "receipt_no": "രസീത് നമ്പർ", "date": "തീയതി", "site": "ഹോസ്റ്റൽ",
        "resident": "താമസക്കാരുടെ പേര്", "booking": "ബുക്കിംഗ്", "bed": "കിടക്ക",
        "period": "കാലയളവ്", "kind": "ഇനം", "mode": "പണമടച്ച രീതി", "reference": "റഫറൻസ്",
        "amount": "തുക", "words": "തുക അക്ഷരത്തിൽ (ഇംഗ്ലീഷിൽ)",
        "balance": "ഈ താമസത്തിന് ബാക്കി അടയ്ക്കാനുള്ളത്",
        "payment": "പണം ലഭിച്ചു", "refund": "തിരികെ നൽകിയ തുക", "reversal": "രസീത് നമ്പർ %s റദ്ദാക്കൽ",
        "cash": "പണമായി", "upi": "UPI", "bank": "ബാങ്ക് ട്രാൻസ്ഫർ", "deleted": "(നീക്കം ചെയ്ത അക്കൗണ്ട്)",
        "open": "നോട്ടീസ് നൽകുന്നതുവരെ", "footer": "കമ്പ്യൂട്ടർ നിർമ്മിത രസീത്; ഒപ്പ് ആവശ്യമില്ല.",
        "monthly": "മാസ താമസം", "nightly": "ദിവസ താമസം", "reason": "കാരണം",
        "overpaid": "അധികം അടച്ചത് (തിരികെ നൽകും)",
    },
}


@dataclass(frozen=True)
class ReceiptFile:
    filename: str
    content: bytes


def _day(day: date, lang: str) -> str:
    """6 Dec 2026 / 6 ഡിസംബർ 2026: dates as people read them, not ISO."""
    return format_date(day, "d MMM y" if lang == "en" else "d MMMM y",
                       locale="en_IN" if lang == "en" else "ml")


def receipt_number(payment: Payment) -> str:
    """The printed number: the site's short name and its running number, e.g. TECHNOPARK-0012."""
    return f"{payment.site.slug.upper()}-{payment.receipt_no:04d}"


def _balance_after(session: Session, payment: Payment) -> int:
    paid = int(session.scalar(select(func.coalesce(func.sum(Payment.amount_paise), 0)).where(
        Payment.booking_id == payment.booking_id,
        Payment.receipt_no <= payment.receipt_no, Payment.site_id == payment.site_id)) or 0)
    return sum(c["amount_paise"] for c in _charges(session, payment.booking)) - paid


def _pdf() -> FPDF:
    pdf = FPDF(format=(148, 210))  # A5 in mm (the named A5 warns in fpdf2 2.8)
    pdf.add_font("NotoSans", "", FONTS / "NotoSans-Regular.ttf")
    pdf.add_font("NotoSans", "B", FONTS / "NotoSans-Bold.ttf")
    pdf.add_font("NotoSansMalayalam", "", FONTS / "NotoSansMalayalam-Regular.ttf")
    pdf.add_font("NotoSansMalayalam", "B", FONTS / "NotoSansMalayalam-Bold.ttf")
    pdf.set_fallback_fonts(["NotoSansMalayalam"])
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_creator("Kerala workspace booking")
    return pdf


def render_receipt(session: Session, payment: Payment, lang: str = "en") -> ReceiptFile:
    """The receipt for one payment row as a PDF."""
    lang = lang if lang in LABELS else "en"
    words = LABELS[lang]
    booking, site = payment.booking, payment.site
    number = receipt_number(payment)
    pdf = _pdf()
    pdf.set_title(f"{words['title']} {number}")
    pdf.add_page()
    pdf.set_font("NotoSans", "B", 16)
    pdf.cell(0, 9, f"{words['title']} · {site.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("NotoSans", "", 9)
    if site.address:
        pdf.multi_cell(0, 5, site.address, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    if payment.kind == PaymentKind.REVERSAL and payment.reverses is not None:
        what = words["reversal"] % receipt_number(payment.reverses)
    else:
        what = words[payment.kind]
    if booking.is_monthly:
        end = _day(booking.ends_on, lang) if not booking.is_open_ended else words["open"]
        period = f"{_day(booking.starts_on, lang)} – {end} ({words['monthly']})"
    else:
        period = (f"{_day(booking.starts_on, lang)} – {_day(booking.ends_on, lang)}"
                  f" ({words['nightly']})")
    rows = [
        (words["receipt_no"], number),
        (words["date"], _day(payment.paid_on, lang)),
        (words["resident"], payment.member.name if payment.member else words["deleted"]),
        (words["booking"], f"#{booking.id}"),
        (words["bed"], booking.resource_label if booking.bed_id else ""),
        (words["period"], period),
        (words["kind"], what),
        (words["mode"], words.get(payment.mode, payment.mode)),
    ]
    if payment.reference:
        rows.append((words["reference"], payment.reference))
    if payment.kind == PaymentKind.REVERSAL and payment.note:
        rows.append((words["reason"], payment.note))
    for label, value in rows:
        _row(pdf, label, value)
    pdf.ln(2)
    pdf.set_font("NotoSans", "B", 13)
    _row(pdf, words["amount"], format_inr(payment.amount_paise), bold=True)
    pdf.set_font("NotoSans", "", 10)
    _row(pdf, words["words"], amount_in_words(payment.amount_paise)
         + (" (−)" if payment.amount_paise < 0 else ""))  # paid out, or undone
    pdf.ln(2)
    balance = _balance_after(session, payment)
    _row(pdf, words["balance"] if balance >= 0 else words["overpaid"], format_inr(abs(balance)))
    pdf.ln(6)
    pdf.set_font("NotoSans", "", 8)
    pdf.multi_cell(0, 4, words["footer"], new_x="LMARGIN", new_y="NEXT")
    return ReceiptFile(filename=f"receipt-{number.lower()}-{lang}.pdf",
                       content=bytes(pdf.output()))


LABEL_WIDTH = 45  # mm


def _row(pdf: FPDF, label: str, value: str, bold: bool = False) -> None:
    """A label and its value; a label too long for its column gets a line of its own."""
    pdf.set_font("NotoSans", "", 9)
    if pdf.get_string_width(label) > LABEL_WIDTH - 2:
        pdf.multi_cell(0, 6, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(pdf.l_margin + LABEL_WIDTH)
    else:
        pdf.cell(LABEL_WIDTH, 7, label)
    pdf.set_font("NotoSans", "B" if bold else "", 13 if bold else 10)
    pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
