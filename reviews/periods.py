"""Quarters by their period key, `2026Q3`: the one a date falls in, and counting across years."""

from __future__ import annotations

import datetime as dt
import re

PERIOD_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


def period_of(day: dt.date) -> str:
    """The calendar quarter `day` falls in."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def shift_period(period: str, quarters: int) -> str | None:
    """The quarter `quarters` after `period` (before, when negative): 2026Q1, -1 → 2025Q4.
    None for a malformed period."""
    match = PERIOD_PATTERN.match(period)
    if match is None:
        return None
    index = int(match.group(1)) * 4 + int(match.group(2)) - 1 + quarters
    return f"{index // 4}Q{index % 4 + 1}"
