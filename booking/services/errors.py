"""Typed refusals from the service layer, each with a message for a person.

Messages and titles are `Text` (booking/services/messages.py): English by
str(), put into the reader's language at the edge.

The edges map them: a form error or flash on pages, problem+json in the API
(``http_status`` is the API's answer).
"""
from __future__ import annotations

from .messages import Text, _


class BookingError(Exception):
    """Base class: the request was understood and refused."""

    http_status = 422
    title = _("Booking refused")
    field: str | None = None  # the form field the refusal is about, if one (pages show it there)

    def __init__(self, message: Text | str, field: str | None = None) -> None:
        # The English (str) for logs, the CLI and tests; `text` for the edge to translate.
        self.text = message if isinstance(message, Text) else Text(message, {})
        self.message = str(message)
        if field is not None:
            self.field = field
        super().__init__(self.message)


class InvalidRequest(BookingError):
    """The request itself makes no sense (reversed dates, a range too long)."""

    http_status = 400
    title = _("Invalid request")


class NotFound(BookingError):
    """A named site, desk, bed or booking does not exist (for this user)."""

    http_status = 404
    title = _("Not found")


class NotPermitted(BookingError):
    http_status = 403
    title = _("Not permitted")


class NoLongerAvailable(BookingError):
    """The desk or bed (or every suitable one) is taken for that time."""

    http_status = 409
    title = _("No longer available")


class MemberAlreadyBooked(BookingError):
    """The member already holds a desk that day part, or a bed that night."""

    http_status = 409
    title = _("Already booked")


class RuleViolation(BookingError):
    """A site's booking rule forbids the request."""

    http_status = 422
    title = _("Not allowed by the booking rules")


class SiteNotBookable(RuleViolation):
    pass


class InPast(RuleViolation):
    pass


class OutsideBookingWindow(RuleViolation):
    pass


class SiteClosedOn(RuleViolation):
    pass


class StayTooLong(RuleViolation):
    pass


class NotEligible(RuleViolation):
    pass


class CancellationClosed(RuleViolation):
    pass


class AlreadyCancelled(RuleViolation):
    pass


class NotStartedYet(RuleViolation):
    """Ending early a booking that has not begun: that is a cancellation."""


class NothingToEnd(RuleViolation):
    """A booking that is over, or whose part under way is all it has left."""


class EmailNotVerified(NotPermitted):
    """A member who registered on the web has not opened the link mailed to them yet."""

    title = _("Email address not verified")


class DuplicateEmail(BookingError):
    http_status = 409
    title = _("Email already registered")


class ImportFailed(BookingError):
    """A CSV import had bad rows; nothing was imported."""

    http_status = 400
    title = _("Import failed")

    def __init__(self, message: Text | str, row_errors: list[tuple[int, Text | str]]) -> None:
        super().__init__(message)
        self.row_errors = row_errors


# ---------------------------------------------------------------- mailed links

class LinkRefused(BookingError):
    """A mailed link (verification, password reset) that cannot be used; ask for a new one."""

    http_status = 400
    title = _("This link cannot be used")


class LinkInvalid(LinkRefused):
    """Not a link we made: altered, cut short, or for another purpose."""


class LinkExpired(LinkRefused):
    http_status = 410
    title = _("This link has expired")


class LinkUsed(LinkRefused):
    """Already used, or voided since (the password or the address changed)."""

    http_status = 410
    title = _("This link has already been used")


class InvalidCheckInCode(BookingError):
    """A check-in code that is not today's code of this site (old, another site's, made up)."""

    http_status = 400
    title = _("Invalid check-in code")


class NothingToCheckIn(RuleViolation):
    """No live booking of the member at this site for the day part now."""


class AlreadyCheckedIn(BookingError):
    http_status = 409
    title = _("Already checked in")


class PlaceIsFree(BookingError):
    """Joining a waitlist while a suitable place is free: book it instead."""

    http_status = 409
    title = _("A place is free")


class AlreadyWaiting(BookingError):
    """The member already waits for that day part or stay."""

    http_status = 409
    title = _("Already on the waitlist")


class AlreadyBookedThen(RuleViolation):
    """Joining a waitlist for a time the member already holds a place."""


# ---------------------------------------------------------------- places

class InvalidPinCode(InvalidRequest):
    """Text that cannot be a PIN code (not six digits, or starting with 0)."""

    title = _("Invalid PIN code")
    field = "pin_code"


class UnknownPinCode(RuleViolation):
    """A well-formed PIN code that India Post's data does not place, or not in Kerala for a site."""

    title = _("Unknown PIN code")
    field = "pin_code"


class InvalidCoordinates(InvalidRequest):
    """Latitude and longitude given one without the other, or outside Kerala."""

    title = _("Invalid coordinates")
    field = "latitude"


class BedTakenForExtension(NoLongerAvailable):
    """A stay's own bed is taken for the months asked for; ``free_beds`` could hold them."""

    title = _("Your bed is not free for the extension")

    def __init__(self, message: Text, free_beds: list[str]) -> None:
        super().__init__(message)
        self.free_beds = free_beds
        self.problem_extras = {"free_beds": free_beds}


class PoliciesNotAccepted(RuleViolation):
    """A monthly stay needs the house rules and privacy notice in force accepted first."""

    title = _("Policies not accepted")


class RegisterRefused(RuleViolation):
    """A register entry the warden typed cannot be kept as it is; ``field`` names the field."""

    title = _("Register entry refused")
