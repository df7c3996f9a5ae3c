"""A member's request for women's or men's hostel rooms, and staff's decision on it.

What a member may book is ``User.hostel_eligibility`` and only staff set it;
a request is the member asking, kept with who decided and when so the member
and staff can see the history.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .user import User


class RequestStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


_PENDING = text("status = 'pending'")


class EligibilityRequest(Base):
    __tablename__ = "eligibility_requests"
    __table_args__ = (
        CheckConstraint("requested IN ('women', 'men')", name="requested"),
        CheckConstraint("status IN ('pending', 'granted', 'refused', 'withdrawn')",
                        name="status"),
        # At most one open request per member, enforced by the database.
        Index("uq_eligibility_requests_pending_user_id", "user_id", unique=True,
              sqlite_where=_PENDING, postgresql_where=_PENDING),
        Index("ix_eligibility_requests_status_requested_at", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested: Mapped[str] = mapped_column(String(10))  # an Eligibility value
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.PENDING)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    # Staff's word to the member (why refused, what to bring); the member sees it.
    note: Mapped[str] = mapped_column(String(200), default="")

    member: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    def __repr__(self) -> str:
        return f"<EligibilityRequest {self.id} user {self.user_id} {self.requested} {self.status}>"
