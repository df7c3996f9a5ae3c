"""Users: members (professionals), site managers and administrators."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .site import Site


class Role(StrEnum):
    MEMBER = "member"
    MANAGER = "manager"
    ADMIN = "admin"


class Eligibility(StrEnum):
    """Which designated hostel rooms a member may sleep in, as staff granted it."""

    WOMEN = "women"
    MEN = "men"


site_managers = Table(
    "site_managers",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'manager', 'admin')", name="role"),
        CheckConstraint(
            "hostel_eligibility IS NULL OR hostel_eligibility IN ('women', 'men')",
            name="hostel_eligibility",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; NULL once the account is deleted (anonymised).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(20))
    # Where the member lives, as a PIN code: places are listed nearest to it.
    home_pin: Mapped[str | None] = mapped_column(String(6))
    role: Mapped[str] = mapped_column(String(10), default=Role.MEMBER)
    # Granted by staff (services/accounts/eligibility.py); a member only requests it.
    hostel_eligibility: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the owner opened the link mailed to the address (services/accounts/
    # verification.py). NULL only for web self-registration not yet confirmed:
    # such a member cannot book until it is set.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped to end every sign-in session at once (password set, "sign out everywhere"):
    # a SignInSession counts only while it carries the user's current version.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # "en" or "ml" once the member picks a language (switch or profile); NULL follows
    # the browser. booking/i18n.py decides where it ranks.
    locale: Mapped[str | None] = mapped_column(String(5))

    managed_sites: Mapped[list[Site]] = relationship(
        secondary=site_managers, back_populates="managers", order_by="Site.name"
    )

    # The four attributes Flask-Login expects, without importing Flask here.
    is_authenticated = True
    is_anonymous = False
    # The key of the sign-in session this object was loaded for (set by the edge; not
    # stored). It is part of the id Flask-Login keeps in the session and remember cookies.
    session_key = None

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key or ''}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class SignInSession(Base):
    """One browser's sign-in: its cookies work while this row lives (only a hash of its key).

    Sign-out deletes the row, so cookies copied before it stop working; the
    user's ``session_version`` moving on ends every row at once.
    """

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
