"""Working days as pure functions: weekends and listed holidays skipped, 调休 days counted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from calendars.workdays import SEARCH_LIMIT_DAYS, add_working_days, is_working_day

NATIONAL_DAY = {date(2026, 10, 1) + timedelta(days=offset) for offset in range(7)}
MAKEUP_DAYS = {date(2026, 9, 27), date(2026, 10, 10)}  # a Sunday and a Saturday


def test_a_weekday_is_a_working_day_and_a_weekend_day_is_not() -> None:
    assert is_working_day(date(2026, 9, 25), holidays=(), workdays=())  # Friday
    assert not is_working_day(date(2026, 9, 26), holidays=(), workdays=())  # Saturday
    assert not is_working_day(date(2026, 9, 27), holidays=(), workdays=())  # Sunday


def test_a_listed_holiday_is_not_and_a_listed_weekend_day_is() -> None:
    assert not is_working_day(date(2026, 10, 1), holidays=NATIONAL_DAY, workdays=())
    assert is_working_day(date(2026, 10, 10), holidays=(), workdays=MAKEUP_DAYS)


def test_it_skips_the_weekend() -> None:
    # Friday + 1 working day is the Monday after.
    assert add_working_days(date(2026, 9, 18), 1, holidays=(), workdays=()) == date(2026, 9, 21)
    assert add_working_days(date(2026, 9, 18), 5, holidays=(), workdays=()) == date(2026, 9, 25)


def test_the_start_itself_never_counts() -> None:
    assert add_working_days(date(2026, 9, 21), 1, holidays=(), workdays=()) == date(2026, 9, 22)
    # From a Saturday, the first working day is the Monday.
    assert add_working_days(date(2026, 9, 19), 1, holidays=(), workdays=()) == date(2026, 9, 21)


def test_zero_working_days_is_the_start() -> None:
    start = date(2026, 10, 3)  # a holiday on a Saturday
    assert add_working_days(start, 0, holidays=NATIONAL_DAY, workdays=()) == start


def test_it_skips_national_day_and_counts_the_makeup_weekend_days() -> None:
    kwargs = {"holidays": NATIONAL_DAY, "workdays": MAKEUP_DAYS}
    # Friday 25 Sep: Sun 27 Sep (调休) is the 1st, Mon 28 … Wed 30 the 2nd to 4th; 1–7 Oct are
    # off; Thu 8, Fri 9 and Sat 10 (调休) the 5th to 7th.
    assert add_working_days(date(2026, 9, 25), 1, **kwargs) == date(2026, 9, 27)
    assert add_working_days(date(2026, 9, 25), 4, **kwargs) == date(2026, 9, 30)
    assert add_working_days(date(2026, 9, 25), 5, **kwargs) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 25), 7, **kwargs) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 25), 8, **kwargs) == date(2026, 10, 12)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 9, 25), -1, holidays=(), workdays=())


def test_a_calendar_without_working_days_ends_the_search() -> None:
    start = date(2026, 1, 1)
    every_day = {start + timedelta(days=offset) for offset in range(SEARCH_LIMIT_DAYS + 1)}
    with pytest.raises(ValueError, match="search limit"):
        add_working_days(start, 1, holidays=every_day, workdays=())
