"""Quarters by their period key (hrperf.lib.periods): reading one, its days, the one before,
shifting across years, the quarter of a date."""

from __future__ import annotations

import datetime as dt

import pytest

from hrperf.lib.periods import clean_period, is_period, period_of, quarter_dates, shift_period


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2026Q3", True),
        ("1999Q1", True),
        ("2026Q0", False),
        ("2026Q5", False),
        ("2026q3", False),
        ("26Q3", False),
        ("2026Q3 ", False),
        ("２０２６Q3", False),  # full-width digits are not a year
        ("٢٠٢٦Q3", False),
        ("", False),
    ],
)
def test_a_period_is_four_digits_q_and_a_quarter(text: str, valid: bool) -> None:
    assert is_period(text) == valid


@pytest.mark.parametrize(("typed", "clean"), [(" 2026q3 ", "2026Q3"), (None, ""), ("", "")])
def test_a_period_as_typed_is_cleaned(typed: str | None, clean: str) -> None:
    assert clean_period(typed) == clean


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        ("2026Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2028Q1", dt.date(2028, 1, 1), dt.date(2028, 3, 31)),
    ],
)
def test_a_quarter_runs_from_its_first_to_its_last_day(
    period: str, first: dt.date, last: dt.date
) -> None:
    assert quarter_dates(period) == (first, last)


def test_a_malformed_period_has_no_days() -> None:
    with pytest.raises(ValueError, match="not a period"):
        quarter_dates("2026Q9")


@pytest.mark.parametrize(
    ("period", "quarters", "shifted"),
    [
        ("2026Q1", -1, "2025Q4"),
        ("2025Q4", 1, "2026Q1"),
        ("2026Q3", -8, "2024Q3"),
        ("2026Q3", 0, "2026Q3"),
        ("nonsense", 1, None),
    ],
)
def test_quarters_count_across_years(period: str, quarters: int, shifted: str | None) -> None:
    assert shift_period(period, quarters) == shifted


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (dt.date(2026, 1, 1), "2026Q1"),
        (dt.date(2026, 3, 31), "2026Q1"),
        (dt.date(2026, 4, 1), "2026Q2"),
        (dt.date(2026, 12, 6), "2026Q4"),
    ],
)
def test_a_day_falls_in_its_calendar_quarter(day: dt.date, period: str) -> None:
    assert period_of(day) == period


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        ("2026Q3", "2026Q2"),
        ("2026Q2", "2026Q1"),
        ("2026Q1", "2025Q4"),
        ("2000Q1", "1999Q4"),
        ("2026Q5", None),
        ("2026q3", None),
        ("", None),
        ("nonsense", None),
    ],
)
def test_previous_period_is_the_calendar_quarter_before(period, previous):
    assert shift_period(period, -1) == previous


@pytest.mark.parametrize(
    ("period", "quarters", "shifted"),
    [
        ("2026Q4", 1, "2027Q1"),
        ("2026Q3", 1, "2026Q4"),
        ("2026Q1", -8, "2024Q1"),
        ("2026Q2", 0, "2026Q2"),
    ],
)
def test_a_period_shifts_across_years(period, quarters, shifted):
    assert shift_period(period, quarters) == shifted


def test_the_quarter_of_a_date():
    assert [period_of(dt.date(2026, month, 15)) for month in (1, 3, 4, 9, 10, 12)] == [
        "2026Q1", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026Q4"
    ]  # fmt: skip
