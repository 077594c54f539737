"""Quarters by their period key (hrperf.lib.periods): reading one, its days, the one before,
shifting across years, the quarter of a date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hrperf.lib.periods import (
    FIRST_YEAR,
    LAST_YEAR,
    PERIOD_PATTERN,
    clean_period,
    is_period,
    period_of,
    quarter_dates,
    shift_period,
    validate_period,
)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2026Q3", True),
        ("2000Q1", True),
        ("2099Q4", True),
        ("1999Q4", False),  # the years run from FIRST_YEAR to LAST_YEAR
        ("2100Q1", False),
        ("0000Q1", False),
        ("9999Q4", False),
        ("2026Q3\n", False),  # "$" alone would take it
        ("\n2026Q3", False),
        ("2026Q４", False),
        ("2026Ｑ3", False),
        ("2026Q0", False),
        ("2026Q5", False),
        ("2026q3", False),
        ("26Q3", False),
        ("2026Q3 ", False),
        ("２０２６Q3", False),  # full-width digits are not a year
        ("٢٠٢٦Q3", False),
        ("２０２６q3", False),
        ("", False),
    ],
)
def test_a_period_is_four_digits_q_and_a_quarter(text: str, valid: bool) -> None:
    assert is_period(text) == valid


@pytest.mark.parametrize(
    ("typed", "clean"),
    [(" 2026q3 ", "2026Q3"), ("\u30002026Q3", "2026Q3"), (None, ""), ("", "")],
)
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


@pytest.mark.parametrize("period", ["2026Q9", "0000Q1", "9999Q4", "２０２６Q4", "2026Q4\n"])
def test_a_malformed_period_has_no_days(period: str) -> None:
    with pytest.raises(ValueError, match="not a period"):
        quarter_dates(period)


def test_the_first_and_the_last_quarter_have_their_days() -> None:
    assert quarter_dates(f"{FIRST_YEAR}Q1")[0] == dt.date(FIRST_YEAR, 1, 1)
    assert quarter_dates(f"{LAST_YEAR}Q4")[1] == dt.date(LAST_YEAR, 12, 31)


def test_the_pattern_and_the_year_range_agree() -> None:
    """The schema's pattern says the same years as FIRST_YEAR..LAST_YEAR."""
    years = [year for year in range(10000) if PERIOD_PATTERN.fullmatch(f"{year:04d}Q1")]
    assert (years[0], years[-1], len(years)) == (FIRST_YEAR, LAST_YEAR, LAST_YEAR - FIRST_YEAR + 1)


@pytest.mark.parametrize("period", ["2026Q3", "2000Q1"])
def test_a_canonical_period_passes_the_model_validator(period: str) -> None:
    validate_period(period)


@pytest.mark.parametrize("period", ["2026q3", " 2026Q3", "２０２６Q3", "1999Q4", "2026Q3\n"])
def test_the_model_validator_refuses_any_other_text(period: str) -> None:
    with pytest.raises(ValidationError):
        validate_period(period)


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
        ("2000Q1", None),  # before the first year a period may have
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
        ("2099Q4", 1, None),  # past the last year: no period, not an error
        ("2099Q4", -1, "2099Q3"),
        ("2000Q1", -1, None),
        ("2000Q1", 400, None),
        ("2026Q1", -(10**6), None),
    ],
)
def test_a_period_shifts_across_years(period, quarters, shifted):
    assert shift_period(period, quarters) == shifted


def test_the_quarter_of_a_date():
    assert [period_of(dt.date(2026, month, 15)) for month in (1, 3, 4, 9, 10, 12)] == [
        "2026Q1", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026Q4"
    ]  # fmt: skip
