"""The sign-in throttle on its own: pairs, the account ceiling, known clients, a fake clock."""
from __future__ import annotations

import pytest
from limits.storage import MemoryStorage

from booking.services.accounts.signin_throttle import Pause, SignInThrottle
from tests.conftest import FakeClock

EMAIL = "anjali@example.org"
ATTACKER, OWNER = "address:203.0.113.9", "address:198.51.100.4"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def throttle(clock):
    return SignInThrottle(MemoryStorage(), clock=clock)  # the production defaults


def fail(throttle, client, times, email=EMAIL):
    for _ in range(times):
        throttle.record_failure(email, client)


def test_five_failures_from_one_client_pause_that_client_for_the_rest_of_five_minutes(
        throttle, clock):
    fail(throttle, ATTACKER, 4)
    assert throttle.check(EMAIL, ATTACKER) is None
    clock.advance(60)
    fail(throttle, ATTACKER, 1)
    assert throttle.check(EMAIL, ATTACKER) == Pause(retry_after=240, reason="client")
    clock.advance(240)
    assert throttle.check(EMAIL, ATTACKER) is None


def test_a_paused_pair_leaves_the_owner_on_another_client_free(throttle):
    fail(throttle, ATTACKER, 20)
    assert throttle.check(EMAIL, ATTACKER) is not None
    assert throttle.check(EMAIL, OWNER) is None
    assert throttle.check("someone.else@example.org", ATTACKER) is None


def test_the_wait_grows_with_the_failures_of_the_pair(throttle, clock):
    waits = []
    for _ in range(4):  # 5 failures, wait out the short window, again
        fail(throttle, ATTACKER, 5)
        pause = throttle.check(EMAIL, ATTACKER)
        waits.append(pause.retry_after)
        clock.advance(pause.retry_after)
    assert waits[0] == 300  # 5 in 5 minutes
    assert waits[1] > 300  # 10 in the hour: until the hour's window ends
    assert waits[3] > waits[1]  # 20 in a day: until the day's window ends
    assert all(p < 24 * 3600 + 1 for p in waits)


def test_many_addresses_reach_the_account_ceiling_and_are_slowed_not_the_known_owner(
        throttle, clock):
    throttle.record_success(EMAIL, [OWNER, "device:owner-phone"])
    for n in range(25):  # 25 addresses x 4 failures: no pair is paused
        fail(throttle, f"address:10.0.0.{n}", 4)
    stranger = throttle.check(EMAIL, "address:10.0.1.1")
    assert stranger is not None and stranger.reason == "account"
    assert 0 < stranger.retry_after <= 3600
    assert throttle.check(EMAIL, OWNER) is None
    assert throttle.check(EMAIL, "device:owner-phone") is None
    clock.advance(stranger.retry_after)
    assert throttle.check(EMAIL, "address:10.0.1.1") is None  # a slow-down, not a lock


def test_failures_from_a_known_client_do_not_count_towards_the_ceiling(throttle):
    throttle.record_success(EMAIL, [OWNER])
    for _ in range(25):
        fail(throttle, OWNER, 4)
        throttle.record_success(EMAIL, [OWNER])
    assert throttle.check(EMAIL, "address:10.0.1.1") is None


def test_a_success_forgets_the_pairs_failures(throttle):
    fail(throttle, OWNER, 4)
    throttle.record_success(EMAIL, [OWNER])
    fail(throttle, OWNER, 4)
    assert throttle.check(EMAIL, OWNER) is None


def test_the_device_is_the_client_only_once_it_has_signed_in_to_that_account(throttle):
    address = "192.0.2.7"
    assert throttle.client_for(EMAIL, address, "new-device") == f"address:{address}"
    throttle.record_success(EMAIL, ["device:new-device"])
    assert throttle.client_for(EMAIL, address, "new-device") == "device:new-device"
    assert throttle.client_for("other@example.org", address, "new-device") == f"address:{address}"


def test_emails_are_compared_as_people_type_them(throttle):
    fail(throttle, ATTACKER, 5, email=" Anjali@Example.ORG ")
    assert throttle.check(EMAIL, ATTACKER) is not None


def test_the_store_holds_neither_emails_nor_addresses(clock):
    storage = MemoryStorage()
    throttle = SignInThrottle(storage, clock=clock)
    fail(throttle, ATTACKER, 1)
    throttle.record_success(EMAIL, [OWNER])
    keys = " ".join(storage.storage)
    assert keys and "anjali" not in keys and "203.0.113" not in keys and "198.51" not in keys
