"""The sign-in lockout: how failed sign-ins are counted, and until when one is locked.

django-axes records every failed sign-in (the login page's and the admin's alike) as an
`AccessAttempt` per username, address and browser. A sign-in is refused while, within the last
LOGIN_LOCKOUT_MINUTES, its username has LOGIN_FAILURE_LIMIT failures or its address has
LOGIN_IP_FAILURE_LIMIT failures (many usernames tried from one place). `LockoutHandler` is
axes' database handler with these two limits; the rest of the product asks `locked_until`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

USERNAME = "username"
ADDRESS = "address"


def lockout_period() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def limit_of(kind: str) -> int:
    return int(
        settings.LOGIN_FAILURE_LIMIT if kind == USERNAME else settings.LOGIN_IP_FAILURE_LIMIT
    )


def recent_attempts(now: dt.datetime | None = None) -> QuerySet[AccessAttempt]:
    """The failed sign-ins that still count: those of the last lockout period."""
    now = now or timezone.now()
    return AccessAttempt.objects.filter(attempt_time__gte=now - lockout_period())


def lock_end(attempts: Iterable[tuple[dt.datetime, int]], limit: int) -> dt.datetime | None:
    """When a lock made of (last attempt time, failures) rows ends, or None if they do not
    reach `limit`: the newest rows that reach it together hold it until the oldest of them
    leaves the period."""
    total = 0
    for attempt_time, failures in sorted(attempts, key=lambda row: row[0], reverse=True):
        total += failures
        if total >= limit:
            return attempt_time + lockout_period()
    return None


def locked_until(
    *, username: str | None, ip_address: str | None, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Until when sign-in with `username` from `ip_address` is refused, or None."""
    recent = recent_attempts(now)
    ends = []
    if username:
        rows = recent.filter(username=username).values_list("attempt_time", "failures_since_start")
        ends.append(lock_end(rows, limit_of(USERNAME)))
    if ip_address:
        rows = recent.filter(ip_address=ip_address).values_list(
            "attempt_time", "failures_since_start"
        )
        ends.append(lock_end(rows, limit_of(ADDRESS)))
    return max((end for end in ends if end is not None), default=None)


@dataclass(frozen=True)
class Lockout:
    """A username or an address whose sign-ins are refused until `until`."""

    kind: str
    value: str
    failures: int
    until: dt.datetime


def current_lockouts(now: dt.datetime | None = None) -> list[Lockout]:
    """Every username and address locked out now, the latest to end first (one query)."""
    rows = list(
        recent_attempts(now).values_list(
            "username", "ip_address", "attempt_time", "failures_since_start"
        )
    )
    groups: dict[tuple[str, str], list[tuple[dt.datetime, int]]] = {}
    for username, ip_address, attempt_time, failures in rows:
        if username:
            groups.setdefault((USERNAME, username), []).append((attempt_time, failures))
        if ip_address:
            groups.setdefault((ADDRESS, ip_address), []).append((attempt_time, failures))
    found = []
    for (kind, value), attempts in groups.items():
        end = lock_end(attempts, limit_of(kind))
        if end is not None:
            found.append(Lockout(kind, value, sum(count for _time, count in attempts), end))
    return sorted(found, key=lambda lockout: (lockout.until, lockout.value), reverse=True)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with a limit per username and another, higher one per address.

    Axes compares one number with one limit (AXES_FAILURE_LIMIT, the username's): the failures
    it is given are the username's, or the limit itself once the address is over its own."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= limit_of(ADDRESS):
            return max(by_username, limit_of(USERNAME))
        return by_username

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """After a successful sign-in, forget the failures of that username only: never those of
        other usernames from the same address (someone signing in next to a locked colleague, or
        an attacker signing in to their own account, must not lift that colleague's lockout)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _details = AccessAttempt.objects.filter(username=username).delete()
        return count
