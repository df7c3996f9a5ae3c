"""Sign-in throttle: slow down password guessing without letting a stranger lock an owner out.

Failed sign-ins are counted twice:

- per **(account, client)** pair, in growing windows (by default 5 in 5 minutes,
  10 in an hour, 20 in a day): a pair that fails too often waits, and only that
  pair. Someone guessing at an account from their own laptop never pauses the
  owner signing in from theirs.
- per **account**, across every client the account has never signed in from
  (by default 100 an hour): guessing from many addresses at once is capped.
  Past the ceiling, unfamiliar clients wait for the window to end; clients
  where the owner has signed in before (the address, or the device cookie the
  edge sets) carry on.

A *client* is a string the edge chooses: the device (a signed cookie) when
that device has signed in to this account before, else the address. Counters
live in the rate-limit storage (``limits``: Redis in production, memory
locally), keyed by SHA-256 hashes so the store holds neither emails nor
addresses. Windows are fixed and computed from ``clock`` (injectable, so
tests do not sleep); the storage expiry only cleans up.

No Flask here: the edge calls ``check`` before a password is checked,
``record_failure`` after a wrong one and ``record_success`` after a right one.
"""
from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string

PER_CLIENT = "5 per 5 minutes;10 per hour;20 per day"
PER_ACCOUNT = "100 per hour"
KNOWN_CLIENT_SECONDS = 180 * 24 * 60 * 60  # a device or address signed in from lately


@dataclass(frozen=True)
class Pause:
    """Sign-in refused for now: by this pair's own failures, or the account's ceiling."""

    retry_after: int  # whole seconds
    reason: str  # "client" or "account"


@dataclass
class SignInThrottle:
    storage: Storage
    per_client: Sequence[RateLimitItem] = field(default_factory=lambda: parse_many(PER_CLIENT))
    per_account: Sequence[RateLimitItem] = field(
        default_factory=lambda: parse_many(PER_ACCOUNT))
    clock: Callable[[], float] = time.time

    @classmethod
    def from_settings(cls, storage_uri: str, per_client: str = PER_CLIENT,
                      per_account: str = PER_ACCOUNT,
                      clock: Callable[[], float] | None = None) -> SignInThrottle:
        return cls(storage_from_string(storage_uri), parse_many(per_client),
                   parse_many(per_account), clock or time.time)

    def client_for(self, email: str, address: str, device: str | None = None) -> str:
        """The device when it has signed in to this account before, else the address."""
        if device and self.is_known(email, f"device:{device}"):
            return f"device:{device}"
        return f"address:{address}"

    def is_known(self, email: str, client: str) -> bool:
        """True when this account signed in successfully from this client lately."""
        return self.storage.get(_key("known", email, client)) > 0

    def check(self, email: str, client: str) -> Pause | None:
        """A pause when this client must wait before trying this account again, else None."""
        waits = [self._wait(item, _key("client", email, client)) for item in self.per_client]
        pause = _longest(waits, "client")
        if pause is None and not self.is_known(email, client):
            waits = [self._wait(item, _key("account", email)) for item in self.per_account]
            pause = _longest(waits, "account")
        return pause

    def record_failure(self, email: str, client: str) -> None:
        for item in self.per_client:
            self._hit(item, _key("client", email, client))
        if not self.is_known(email, client):
            for item in self.per_account:
                self._hit(item, _key("account", email))

    def record_success(self, email: str, clients: Sequence[str]) -> None:
        """Forget these clients' failures and remember them as the owner's."""
        for client in clients:
            for item in self.per_client:
                self.storage.clear(self._window_key(item, _key("client", email, client)))
            known = _key("known", email, client)
            self.storage.clear(known)  # restarts its expiry
            self.storage.incr(known, KNOWN_CLIENT_SECONDS)

    # Fixed windows numbered from the epoch by the injected clock.
    def _window_key(self, item: RateLimitItem, key: str) -> str:
        seconds = item.get_expiry()
        return f"{key}:{seconds}:{int(self.clock() // seconds)}"

    def _hit(self, item: RateLimitItem, key: str) -> None:
        self.storage.incr(self._window_key(item, key), item.get_expiry())

    def _wait(self, item: RateLimitItem, key: str) -> int:
        if self.storage.get(self._window_key(item, key)) < item.amount:
            return 0
        seconds, now = item.get_expiry(), self.clock()
        window_ends = (int(now // seconds) + 1) * seconds
        return max(1, math.ceil(window_ends - now))


def _longest(waits: list[int], reason: str) -> Pause | None:
    wait = max(waits, default=0)
    return Pause(wait, reason) if wait else None


def _key(kind: str, email: str, client: str = "") -> str:
    subject = f"{email.strip().lower()}\n{client}".encode()
    return f"signin-{kind}:" + hashlib.sha256(subject).hexdigest()[:40]
