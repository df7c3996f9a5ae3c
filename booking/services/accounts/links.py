"""Signed links mailed to people: verify an address, set a new password.

A link carries a small payload signed with the app's secret and a salt per
purpose (as the sign-in device cookie is), with the time it was made, so it
cannot be altered, reused for another purpose, or used after ``max_age``.
Single use is the caller's part: each payload names the state the link was
made for (the address, whether it is verified, a fingerprint of the password
hash), and that state changes once the link has done its work.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..errors import LinkExpired, LinkInvalid
from ..messages import _

VERIFY_EMAIL = "verify-email"
PASSWORD_RESET = "password-reset"
LIFETIMES = {VERIFY_EMAIL: timedelta(hours=48), PASSWORD_RESET: timedelta(hours=1)}


def fingerprint(value: str | None) -> str:
    """A short digest of a secret (a password hash), safe to carry in a readable payload."""
    return hashlib.sha256((value or "").encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class AccountLinks:
    """Makes and reads the signed part of mailed links; ``clock`` is injectable for tests."""

    secret_key: str | bytes
    clock: Callable[[], float] = field(default=time.time)

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        clock = self.clock

        class ClockedSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock())

        return URLSafeTimedSerializer(self.secret_key, salt=f"account-link:{purpose}",
                                      signer=ClockedSigner)

    def make(self, purpose: str, payload: list[Any]) -> str:
        return self._serializer(purpose).dumps(payload)

    def read(self, purpose: str, token: str) -> list[Any]:
        """The payload of a link made for ``purpose`` within its lifetime, or a LinkRefused."""
        max_age = int(LIFETIMES[purpose].total_seconds())
        try:
            payload = self._serializer(purpose).loads(token, max_age=max_age)
        except SignatureExpired:
            raise LinkExpired(_("This link has expired. Ask for a new one below.")) from None
        except BadData:
            raise LinkInvalid(_("This link is not complete or has been changed. Copy the whole"
                              " link from the mail, or ask for a new one below.")) from None
        if not isinstance(payload, list):
            raise LinkInvalid(_("This link is not one of ours. Ask for a new one below."))
        return payload


def lifetime_hours(purpose: str) -> int:
    return int(LIFETIMES[purpose].total_seconds() // 3600)
