"""Quarters by their period key, `2026Q3`: reading one, the one a date falls in, its first and
last day, and counting across years. The one place a period is parsed."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

PERIOD_PATTERN = re.compile(r"^[0-9]{4}Q[1-4]$")
PERIOD_HELP = _("A period is a year and a quarter, such as 2026Q3.")


def clean_period(text: str | None) -> str:
    """A period as people type it (spaces around it, a lower-case q) in its canonical form; the
    result may still be malformed (see `is_period`)."""
    return (text or "").strip().upper()


def is_period(text: str) -> bool:
    return PERIOD_PATTERN.match(text) is not None


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
    None for a malformed period."""
    index = _index(period)
    if index is None:
        return None
    index += quarters
    return f"{index // 4}Q{index % 4 + 1}"


def quarter_dates(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a (well-formed) period."""
    index = _index(period)
    if index is None:
        raise ValueError(f"not a period: {period!r}")
    year, quarter = divmod(index, 4)
    start = dt.date(year, 3 * quarter + 1, 1)
    following = dt.date(year + 1, 1, 1) if quarter == 3 else dt.date(year, 3 * quarter + 4, 1)
    return start, following - dt.timedelta(days=1)
