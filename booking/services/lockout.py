"""Sign-in lockout: after repeated failed passwords an account rests for a while.

Counts failures per account (not per address, which the rate limit on the
sign-in page already covers), in the same storage as the rate limits: Redis
in production so every worker sees the same count, memory locally. The key
is a hash of the normalised email, so the store never holds addresses.

No Flask here: the edge calls ``is_locked`` before checking a password,
``record_failure`` after a wrong one and ``clear`` after a right one.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


@dataclass
class SignInLockout:
    """Failed sign-ins per account within a fixed window; locked once the window is full."""

    storage: Storage
    max_failures: int = MAX_FAILURES
    window_seconds: int = WINDOW_SECONDS

    def __post_init__(self) -> None:
        self._limiter = FixedWindowRateLimiter(self.storage)
        self._item = RateLimitItemPerSecond(self.max_failures, self.window_seconds)

    @classmethod
    def from_uri(cls, storage_uri: str, **settings: int) -> SignInLockout:
        return cls(storage_from_string(storage_uri), **settings)

    @staticmethod
    def _key(email: str) -> str:
        normalised = email.strip().lower().encode("utf-8")
        return "signin-lockout:" + hashlib.sha256(normalised).hexdigest()

    def is_locked(self, email: str) -> bool:
        """True when this account has had too many failed sign-ins lately."""
        return not self._limiter.test(self._item, self._key(email))

    def seconds_left(self, email: str) -> int:
        """How long until the account may try again (0 when it is not locked)."""
        if not self.is_locked(email):
            return 0
        reset_at = self._limiter.get_window_stats(self._item, self._key(email)).reset_time
        return max(1, int(reset_at - time.time()) + 1)

    def record_failure(self, email: str) -> None:
        self._limiter.hit(self._item, self._key(email))

    def clear(self, email: str) -> None:
        """Forget the failures (after a successful sign-in)."""
        self._limiter.clear(self._item, self._key(email))
