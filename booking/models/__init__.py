"""The ORM model, one module per aggregate."""
from .audit import ApiToken, AuditEntry, IdempotencyRecord
from .base import Base, utcnow
from .booking import BedNight, Booking, BookingEvent, BookingStatus, DayPart, DeskCell
from .capacity import Bed, Designation, Desk, Room, RoomType
from .eligibility import EligibilityRequest, RequestStatus
from .outbox import OutboxMessage, OutboxStatus
from .revision import SiteRevision
from .site import Closure, Site, SiteKind, SitePhoto, SiteStatus
from .user import Eligibility, Role, SignInSession, User, site_managers
from .waitlist import WaitlistEntry, WaitlistStatus

__all__ = [
    "ApiToken", "AuditEntry", "Base", "Bed", "BedNight", "Booking", "BookingEvent",
    "BookingStatus", "Closure", "DayPart", "Designation", "Desk", "DeskCell",
    "Eligibility", "EligibilityRequest", "IdempotencyRecord", "OutboxMessage", "OutboxStatus",
    "RequestStatus", "Role", "Room", "RoomType", "SignInSession", "Site", "SiteKind", "SitePhoto",
    "SiteRevision", "SiteStatus", "User", "WaitlistEntry", "WaitlistStatus",
    "site_managers", "utcnow",
]
