"""The ORM model, one module per aggregate."""
from .audit import ApiToken, AuditEntry, IdempotencyRecord
from .base import Base, utcnow
from .booking import (
    BedNight, Booking, BookingEvent, BookingStatus, DayPart, DeskCell, StayKind,
)
from .calendar_feed import CalendarFeed
from .capacity import Bed, Designation, Desk, Room, RoomType
from .eligibility import EligibilityRequest, RequestStatus
from .money import PaymentKind, PaymentMode, Payment, Tariff
from .notice import NoticeOptOut
from .outbox import OutboxMessage, OutboxStatus
from .register import (
    CURRENT_POLICY_VERSIONS, IdDocumentType, PolicyAcceptance, PolicyDocument, RegisterEntry,
)
from .revision import SiteRevision
from .series import BookingSeries
from .stays import BookingMove
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
    # Hostel stays, money and the resident register (issue 17).
    "BookingMove", "CURRENT_POLICY_VERSIONS", "IdDocumentType", "Payment", "PaymentKind",
    "PaymentMode", "PolicyAcceptance", "PolicyDocument", "RegisterEntry", "StayKind", "Tariff",
    "site_managers", "utcnow",
]
