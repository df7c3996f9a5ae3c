"""Accounts: creating users, checking passwords, roles."""
from __future__ import annotations

import re
from functools import cache

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ...models import Role, User, utcnow
from ..errors import DuplicateEmail, InvalidRequest
from ..sites.pincodes import locate, parse_pin
from ..messages import _

MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORD_HINT = _(
    "That password is one of the most common passwords, among the first anyone guessing"
    " would try. Choose another: three or four unrelated words, such as"
    " \u201cmango ferry monsoon lamp\u201d, make a long password that is easy to remember.")
EMAIL_PASSWORD_HINT = _("Choose a password that is not your email address or part of it.")
# Checked against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


PHONE_HINT = _("Enter a 10-digit Indian mobile number, e.g. +91 94470 12345 or 094470 12345.")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_INDIAN_MOBILE = re.compile(r"[6-9][0-9]{9}")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_phone(phone: str) -> str:
    """An Indian mobile number as +91XXXXXXXXXX; +91, 91 or 0 in front is optional."""
    digits = _PHONE_SEPARATORS.sub("", phone)
    if digits.startswith("+91"):
        digits = digits[3:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if not _INDIAN_MOBILE.fullmatch(digits):
        raise InvalidRequest(PHONE_HINT)
    return "+91" + digits


def format_phone(phone: str | None) -> str:
    """+919447012345 as people read it: +91 94470 12345 (other forms as stored)."""
    if phone and len(phone) == 13 and phone.startswith("+91") and phone[3:].isdigit():
        return f"+91 {phone[3:8]} {phone[8:]}"
    return phone or ""


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session,
    email: str,
    name: str,
    password: str | None = None,
    *,
    role: str = Role.MEMBER,
    phone: str | None = None,
    hostel_eligibility: str | None = None,
    email_verified: bool = True,
) -> User:
    """Create an account; the email must be new (compared case-insensitively).

    Accounts made by staff, the CLI or the demo seed count as verified; only
    web self-registration (``verification.register_member``) passes
    ``email_verified=False``.
    """
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise InvalidRequest(_("%(email)s is not an email address.", email=repr(email)))
    if role not in set(Role):
        raise InvalidRequest(_("Unknown role %(role)s; use member, manager or admin.",
                               role=repr(role)))
    if not name.strip():
        raise InvalidRequest(_("A name is required."))
    if get_user_by_email(session, email) is not None:
        raise DuplicateEmail(_("An account with that email already exists."))
    phone = normalise_phone(phone) if phone else None
    user = User(email=email, name=name.strip(), role=role, phone=phone,
                hostel_eligibility=hostel_eligibility or None,
                email_verified_at=utcnow() if email_verified else None)
    if password is not None:
        set_password(user, password)
    session.add(user)
    session.flush()
    return user


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most used passwords (from leaked password sets), shipped
    # in the package: nothing is fetched. Loaded on first use (~0.1 s).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """True for a password on the list of the most common ones (case is ignored)."""
    return password.strip().lower() in _common_passwords()


def check_password(password: str, email: str | None = None) -> None:
    """Refuse passwords too short, too common (NIST SP 800-63B), or made of the email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(_("Passwords need at least %(least)s characters.",
                               least=MIN_PASSWORD_LENGTH))
    if is_common_password(password):
        raise InvalidRequest(COMMON_PASSWORD_HINT)
    if email and password.strip().lower() in {email.lower(), email.lower().partition("@")[0]}:
        raise InvalidRequest(EMAIL_PASSWORD_HINT)


def set_password(user: User, password: str) -> None:
    """Give the user a new password (registration, change, reset): every session ends."""
    check_password(password, user.email)
    user.password_hash = generate_password_hash(password)
    end_all_sessions(user)


def set_home_pin(user: User, text: str | None) -> None:
    """A member's home PIN code, one India Post's data places; blank clears it."""
    if not (text or "").strip():
        user.home_pin = None
        return
    pin = parse_pin(text)
    locate(pin)  # refuses a PIN that places nowhere: it could never order the list
    user.home_pin = pin


def end_all_sessions(user: User) -> None:
    """Sign the user out everywhere: every session and remember-me cookie stops working.

    Moves ``session_version`` on (sign_in_sessions.py checks it on every
    request). The increment is done in SQL, so two at once both count.
    """
    if inspect(user).persistent:  # a user not yet saved has no sessions
        user.session_version = User.session_version + 1


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user whose email and password these are, or None (same cost either way)."""
    user = get_user_by_email(session, email)
    if user is None or user.password_hash is None or user.is_deleted:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None
