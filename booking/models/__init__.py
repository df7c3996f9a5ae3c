"""The ORM model, one module per aggregate."""
from .audit import ApiToken, AuditEntry, IdempotencyRecord
from .base import Base, utcnow
from .booking import BedNight, Booking, BookingEvent, BookingStatus, DayPart, DeskCell
from .calendar_feed import CalendarFeed
from .capacity import Bed, Designation, Desk, Room, RoomType
from .eligibility import EligibilityRequest, RequestStatus
from .notice import NoticeOptOut
from .outbox import OutboxMessage, OutboxStatus
from .revision import SiteRevision
from .series import BookingSeries
from .site import Closure, Site, SiteKind, SitePhoto, SiteStatus
from .user import Eligibility, Role, SignInSession, User, site_managers
from .waitlist import WaitlistEntry, WaitlistStatus

__all__ = [
    "ApiToken", "AuditEntry", "Base", "Bed", "BedNight", "Booking", "BookingEvent",
    "BookingSeries", "BookingStatus", "CalendarFeed", "Closure", "DayPart", "Designation", "Desk",
    "DeskCell", "Eligibility", "EligibilityRequest", "IdempotencyRecord", "NoticeOptOut",
    "OutboxMessage", "OutboxStatus", "RequestStatus", "Role", "Room", "RoomType", "SignInSession",
    "Site", "SiteKind", "SitePhoto", "SiteRevision", "SiteStatus", "User", "WaitlistEntry",
    "WaitlistStatus",
    "site_managers", "utcnow",
]
