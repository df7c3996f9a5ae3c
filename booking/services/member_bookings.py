"""What a member sees of their own bookings beyond the booking service's queries."""
from __future__ import annotations

from datetime import datetime

from ..models import Booking
from .errors import BookingError
from .rules import booking_starts_at, check_member_may_cancel


def is_cancellable_by_member(booking: Booking, now: datetime) -> bool:
    """Whether the member may still cancel this booking themselves (the cut-off rule)."""
    if not booking.is_live:
        return False
    try:
        check_member_may_cancel(booking, now)
    except BookingError:
        return False
    return True


def get_cancel_refusal(booking: Booking, now: datetime) -> str | None:
    """The reason a member cannot cancel, for the confirmation page; None when they can."""
    if not booking.is_live:
        return "This booking is already cancelled."
    try:
        check_member_may_cancel(booking, now)
    except BookingError as error:
        return error.message
    return None


def starts_at(booking: Booking) -> datetime:
    return booking_starts_at(booking)
