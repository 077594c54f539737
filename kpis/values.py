"""The values a KPI's figures may take: a target or an actual figure is a number of at least 0
with at most 4 decimal places, below 10**14 (what its column holds: 18 digits, 4 of them after
the point), and a target of 0 means nothing on a KPI where higher is better (achievement is
actual ÷ target). A weight is a whole percent from 0 to 100.

`parse_figure` reads a figure as people and files send it (text, "1,000.5"), naming the field
of each problem; the catalogue's default targets follow the same limits.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import ErrorList
from kpis.models import Direction

MAX_DECIMAL_PLACES = 4
FIGURE_LIMIT = Decimal(10) ** 14  # a figure must be below it
MAX_WEIGHT = 100

NOT_A_NUMBER = _("Enter a number.")
NEGATIVE = _("A figure cannot be negative.")
TOO_LARGE = _("This figure is too large.")
TOO_MANY_DECIMALS = _("Use at most %(max)s decimal places.")
ZERO_TARGET = _("A target of 0 is not allowed on a higher-is-better KPI.")
AS_TEXT = _('Give the number as text, such as "92.5".')


def is_zero_target(value: Decimal | None, direction: str) -> bool:
    """A target no actual figure can be measured against."""
    return value == 0 and direction == Direction.HIGHER


def parse_figure(raw: Any, field: str, errors: ErrorList) -> Decimal | None:
    """The figure `raw` holds; None when it is blank (nothing to set) or refused (the reason is
    added to `errors` under `field`)."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, float | bool):
        errors.add(field, AS_TEXT)
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    problem = figure_problem(value)
    if problem is not None:
        message, code = problem
        errors.add(field, message, code)
        return None
    return value


def figure_problem(value: Decimal) -> tuple[Any, str] | None:
    """(message, code) of what is wrong with a figure, or None when it may be stored."""
    if not value.is_finite():
        return NOT_A_NUMBER, "invalid"
    if value < 0:
        return NEGATIVE, "negative"
    if value.as_tuple().exponent < -MAX_DECIMAL_PLACES:  # type: ignore[operator]
        return TOO_MANY_DECIMALS % {"max": MAX_DECIMAL_PLACES}, "too_precise"
    if value >= FIGURE_LIMIT:
        return TOO_LARGE, "too_large"
    return None
