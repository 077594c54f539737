"""How failed sign-ins add up to a lockout, and what a successful sign-in clears."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts import lockouts
from tests.helpers.signin import fail_sign_ins, sign_in, signed_in

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
PERIOD = dt.timedelta(minutes=30)


def test_a_lock_ends_when_the_newest_failures_that_reach_the_limit_leave_the_period() -> None:
    rows = [(NOW - dt.timedelta(minutes=10), 3), (NOW - dt.timedelta(minutes=2), 2)]

    assert lockouts.lock_end(rows, 5) == NOW - dt.timedelta(minutes=10) + PERIOD
    assert lockouts.lock_end(rows, 2) == NOW - dt.timedelta(minutes=2) + PERIOD
    assert lockouts.lock_end(rows, 6) is None


def test_someone_else_signing_in_from_the_same_address_keeps_a_lockout(personas) -> None:
    office = Client(REMOTE_ADDR="10.2.2.2")
    fail_sign_ins(office, "employee", 5)

    assert sign_in(Client(REMOTE_ADDR="10.2.2.2"), "hr").status_code == 302

    assert AccessAttempt.objects.filter(username="employee").exists()
    locked = Client(REMOTE_ADDR="10.2.2.2")
    assert sign_in(locked, "employee").status_code == 429 and not signed_in(locked)


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(personas) -> None:
    attacker = Client(REMOTE_ADDR="10.3.3.3")
    for number in range(19):
        fail_sign_ins(attacker, f"guess{number}", 1)
    assert sign_in(attacker, "outsider").status_code == 302
    fail_sign_ins(Client(REMOTE_ADDR="10.3.3.3"), "guess-last", 1)

    assert sign_in(Client(REMOTE_ADDR="10.3.3.3"), "director").status_code == 429


def test_the_current_lockouts_name_each_locked_username_and_address(personas) -> None:
    fail_sign_ins(Client(REMOTE_ADDR="10.4.4.4"), "employee", 5)

    locked = lockouts.current_lockouts()

    assert [(lockout.kind, lockout.value, lockout.failures) for lockout in locked] == [
        ("username", "employee", 5)
    ]
    assert locked[0].until > timezone.now() + dt.timedelta(minutes=29)


def test_a_wrong_password_is_never_stored(personas) -> None:
    browser = Client()
    browser.post("/login/", {"username": "hr", "password": "my-old-password-2019"})

    stored = " ".join(
        str(value) for row in AccessAttempt.objects.values() for value in row.values()
    )
    assert "hr" in stored and "my-old-password-2019" not in stored
