"""Rate limits on the few endpoints that have one, with the ``limits`` library.

Only a request to a limited endpoint (and method) touches the counters: the
others (availability, ping, every page read) pay nothing for limits they do
not have. Counters live where ``RATELIMIT_STORAGE_URI`` says: Redis in
production, so every worker counts together; memory for one process.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests


class RateLimited(TooManyRequests):
    """A limit was reached; ``retry_after`` says in how many seconds it resets."""

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


@dataclass(frozen=True)
class EndpointLimit:
    limit: str  # e.g. "5 per minute;20 per hour"
    key: Callable[[], str]
    methods: tuple[str, ...] = ("POST",)
    items: tuple[RateLimitItem, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(parse_many(self.limit)))


class RateLimiter:
    """Fixed windows per (endpoint, key); the first window that is full refuses."""

    def __init__(self, storage_uri: str) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(storage_uri))

    def hit(self, endpoint: str, rule: EndpointLimit, key: str) -> int | None:
        """Count one request; the seconds until it may be retried if a window is full."""
        for item in rule.items:
            if not self._limiter.hit(item, endpoint, key):
                reset_at = self._limiter.get_window_stats(item, endpoint, key).reset_time
                return max(1, round(reset_at - time.time()) + 1)
        return None


# One limit, or several counted by different keys (per client and per address typed).
Limits = EndpointLimit | tuple[EndpointLimit, ...]


def apply_rate_limits(app: Flask, limits: dict[str, Limits]) -> None:
    """Wrap each named endpoint's view in its limits (unknown names are left to a test)."""
    app.extensions["rate_limiter"] = RateLimiter(app.config["RATELIMIT_STORAGE_URI"])
    for endpoint, rules in limits.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        # The first rule listed is checked first: a refused request counts no further.
        for rule in reversed(rules if isinstance(rules, tuple) else (rules,)):
            view = _limited(view, endpoint, rule)
        app.view_functions[endpoint] = view


def _limited(view, endpoint: str, rule: EndpointLimit):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method in rule.methods and current_app.config["RATELIMIT_ENABLED"]:
            retry_after = _hit_or_let_through(endpoint, rule)
            if retry_after is not None:
                raise RateLimited(retry_after)
        return view(*args, **kwargs)

    return wrapper


def _hit_or_let_through(endpoint: str, rule: EndpointLimit) -> int | None:
    """The storage (Redis) being down must not stop people signing in or booking."""
    try:
        return current_app.extensions["rate_limiter"].hit(endpoint, rule, rule.key())
    except Exception as error:  # redis, network: any storage failure
        current_app.logger.error("Rate-limit storage unavailable: %s", type(error).__name__)
        return None
