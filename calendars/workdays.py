"""Working days, as pure functions: a weekday is a working day unless it is a listed holiday, a
weekend day is not unless it is a listed working day (调休)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

SATURDAY = 5
# However the calendar is filled, a count of working days ends within this many calendar days.
SEARCH_LIMIT_DAYS = 3660


def is_working_day(day: date, *, holidays: Collection[date], workdays: Collection[date]) -> bool:
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < SATURDAY


def add_working_days(
    start: date, count: int, *, holidays: Collection[date], workdays: Collection[date]
) -> date:
    """The `count`-th working day after `start` (`start` itself never counts); `count` 0 is
    `start`. Raises ValueError when no such day comes within SEARCH_LIMIT_DAYS."""
    if count < 0:
        raise ValueError("count must not be negative")
    day, left = start, count
    for _ in range(SEARCH_LIMIT_DAYS):
        if left == 0:
            return day
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays, workdays=workdays):
            left -= 1
    raise ValueError("no working day within the search limit")
