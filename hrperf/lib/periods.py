"""Quarters by their period key, `2026Q3`: reading one, the one a date falls in, its first and
last day, and counting across years. The one place a period is parsed.

A period is exactly four ASCII digits of a year from FIRST_YEAR to LAST_YEAR, "Q" and a quarter
1-4. People may type spaces around it and a lower-case "q": `clean_period` gives the canonical
form, which every entry point (the pages, the API's bodies, paths and queries, payroll) uses
before `is_period`. Digits of other scripts ("２０２６Q4", "٢٠٢٦Q4") are never a year."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000
LAST_YEAR = 2099
# The years FIRST_YEAR..LAST_YEAR (tests/hrperf/lib/test_periods.py keeps the two in step); the
# pattern is also the API schema's, so it is written for any regex engine.
PERIOD_PATTERN = re.compile(r"^20[0-9]{2}Q[1-4]$", re.ASCII)
PERIOD_HELP = _("A period is a year from 2000 to 2099 and a quarter, such as 2026Q3.")


def clean_period(text: str | None) -> str:
    """A period as people type it (spaces around it, a lower-case q) in its canonical form; the
    result may still be malformed (see `is_period`)."""
    return (text or "").strip().replace("q", "Q")


def validate_period(text: str) -> None:
    """The model's validator: ValidationError unless `text` is a period in canonical form."""
    if not is_period(text):
        raise ValidationError(PERIOD_HELP, code="invalid")


def is_period(text: str) -> bool:
    # fullmatch: "$" alone would also take "2026Q3\n".
    return PERIOD_PATTERN.fullmatch(text) is not None and (FIRST_YEAR <= int(text[:4]) <= LAST_YEAR)


def _index(period: str) -> int | None:
    """Quarters since the year 0: the arithmetic of periods is done on this number."""
    if not is_period(period):
        return None
    return int(period[:4]) * 4 + int(period[5]) - 1


def period_of(day: dt.date) -> str:
    """The calendar quarter `day` falls in."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def shift_period(period: str, quarters: int) -> str | None:
    """The quarter `quarters` after `period` (before, when negative): 2026Q1, -1 → 2025Q4.
    None for a malformed period, and past either end of the years a period may have."""
    index = _index(period)
    if index is None:
        return None
    index += quarters
    shifted = f"{index // 4}Q{index % 4 + 1}"
    return shifted if is_period(shifted) else None


def quarter_dates(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a (well-formed) period."""
    index = _index(period)
    if index is None:
        raise ValueError(f"not a period: {period!r}")
    year, quarter = divmod(index, 4)
    start = dt.date(year, 3 * quarter + 1, 1)
    following = dt.date(year + 1, 1, 1) if quarter == 3 else dt.date(year, 3 * quarter + 4, 1)
    return start, following - dt.timedelta(days=1)
