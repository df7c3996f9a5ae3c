"""The resident register a hostel must keep, and the policies residents accept.

Privacy by design (India's DPDP Act 2023; DESIGN.md invariant 8):

- One register entry per stay, written by the warden at arrival: only what
  the hostel must keep. Of an ID document, its type and last four digits:
  never the full number (an Aadhaar number is never stored; the service
  refuses 12 digits with a message saying why, and the CHECK below refuses
  anything but four digits).
- Erased on schedule: a set time after departure (``sites.register_retention_days``)
  the worker blanks every personal field and sets ``erased_at``; the row and
  the stay stay, anonymised, for statistics. The CHECK makes "erased" mean it.
- Every view of the register by staff is audited (audit_entries), not here.

A member accepts the current house rules and privacy notice before their
first monthly stay; each acceptance is kept per document and version.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .booking import Booking
    from .site import Site


class IdDocumentType(StrEnum):
    AADHAAR = "aadhaar"
    PASSPORT = "passport"
    DRIVING_LICENCE = "driving_licence"
    VOTER_ID = "voter_id"
    PAN = "pan"
    EMPLOYEE_ID = "employee_id"


class PolicyDocument(StrEnum):
    HOUSE_RULES = "house_rules"
    PRIVACY_NOTICE = "privacy_notice"


# The versions in force: a new text gets a new version, and members accept it again.
CURRENT_POLICY_VERSIONS = {
    PolicyDocument.HOUSE_RULES: "2026-12",
    PolicyDocument.PRIVACY_NOTICE: "2026-12",
}

# Four characters, each a digit: written so both engines read it (no GLOB, no regex).
_FOUR_DIGITS = " AND ".join(f"substr(id_last4, {i}, 1) BETWEEN '0' AND '9'" for i in range(1, 5))
_PERSONAL = ("full_name", "phone", "employer", "emergency_contact_name",
             "emergency_contact_phone", "id_document_type", "id_last4")


class RegisterEntry(Base):
    __tablename__ = "register_entries"
    __table_args__ = (
        CheckConstraint(f"id_last4 IS NULL OR (length(id_last4) = 4 AND {_FOUR_DIGITS})",
                        name="id_last4"),
        CheckConstraint("id_document_type IS NULL OR id_document_type IN"
                        " ('aadhaar', 'passport', 'driving_licence', 'voter_id', 'pan',"
                        " 'employee_id')",
                        name="id_document_type"),
        # Live: a name at least. Erased: nothing personal left.
        CheckConstraint("(erased_at IS NULL AND full_name IS NOT NULL) OR (erased_at IS NOT NULL"
                        " AND " + " AND ".join(f"{c} IS NULL" for c in _PERSONAL) + ")",
                        name="erased"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    # Personal details: NULL once erased.
    full_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    employer: Mapped[str | None] = mapped_column(String(160))
    emergency_contact_name: Mapped[str | None] = mapped_column(String(120))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(20))
    id_document_type: Mapped[str | None] = mapped_column(String(20))
    id_last4: Mapped[str | None] = mapped_column(String(4))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    booking: Mapped[Booking] = relationship()
    site: Mapped[Site] = relationship()

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class PolicyAcceptance(Base):
    __tablename__ = "policy_acceptances"
    __table_args__ = (
        UniqueConstraint("user_id", "document", "version"),
        CheckConstraint("document IN ('house_rules', 'privacy_notice')", name="document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
