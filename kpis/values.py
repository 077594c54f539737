"""The values a KPI's figures may take: a target or an actual figure is a number of at least 0
with at most 4 decimal places, below 10**14 (what its column holds: 18 digits, 4 of them after
the point), and a target of 0 means nothing on a KPI where higher is better (achievement is
actual ÷ target). A weight is a whole percent from 0 to 100.

Each KPI also has its own limits (`Limits`), kept in the library and copied onto every review
line: the least and the most a figure may be (a share of a whole is at most 100, a score at
most the top of its scale) and, for a count, whole numbers only. The defaults come from the
unit (`default_limits`); the catalogue file may set others.

`parse_figure` reads a figure as people and files send it (`hrperf.lib.decimals`: digits and
one ".", nothing else), naming the field of each problem; the catalogue's default targets
follow the same limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrperf.lib.decimals import (
    MAX_DECIMAL_PLACES,
    NumberRefused,
    NumberRule,
    read_number,
    written,
)
from hrperf.lib.errors import ErrorList
from hrperf.lib.numbers import grouped
from kpis.models import Direction, Unit

FIGURE_LIMIT = Decimal(10) ** 14  # a figure must be below it
MAX_WEIGHT = 100
SCALE_TOP = Decimal(100)  # a score in points, a share of a whole in percent

FIGURE_RULE = NumberRule(places=MAX_DECIMAL_PLACES, below=FIGURE_LIMIT)
WHOLE_FIGURE_RULE = NumberRule(places=0, below=FIGURE_LIMIT)

# What the scoring rules' problems of a figure say (reviews.messages).
NOT_A_NUMBER = _("Enter a number.")
NEGATIVE = _("A figure cannot be negative.")
TOO_LARGE = _("This figure is too large.")
TOO_MANY_DECIMALS = _("Use at most %(max)s decimal places.")
ZERO_TARGET = _("A target of 0 is not allowed on a higher-is-better KPI.")

FIGURE_NAMES = {"target": _("target"), "actual": _("actual")}
# Why a maximum is what it is, by unit.
MAXIMUM_REASONS = {
    Unit.PERCENT: _("a share of a whole"),
    Unit.POINTS: _("the top of its scale"),
}
ABOVE = _("%(figure)s %(value)s is above this KPI's maximum of %(maximum)s.")
ABOVE_BECAUSE = _("%(figure)s %(value)s is above this KPI's maximum of %(maximum)s (%(reason)s).")
BELOW = _("%(figure)s %(value)s is below this KPI's minimum of %(minimum)s.")
NOT_WHOLE = _("%(figure)s %(value)s is not a whole number: this KPI counts.")


@dataclass(frozen=True)
class Limits:
    """The figures a KPI allows: at least `minimum`, at most `maximum` (None: no maximum but
    the figure limit), whole numbers only for a count."""

    unit: str
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None

    @property
    def whole(self) -> bool:
        return self.unit == Unit.COUNT

    @property
    def rule(self) -> NumberRule:
        return WHOLE_FIGURE_RULE if self.whole else FIGURE_RULE


def default_limits(unit: str) -> tuple[Decimal, Decimal | None]:
    """(minimum, maximum) of a unit when the catalogue gives none: a score in points is out of
    100; a percentage, an amount and a count have no maximum (a completion rate may pass
    100 %: the catalogue gives 100 to a percentage that is a share of a whole)."""
    return Decimal(0), SCALE_TOP if unit == Unit.POINTS else None


def limits_of(kpi_or_line: Any) -> Limits:
    """The limits a KPI or a review's KPI line carries."""
    return Limits(unit=kpi_or_line.unit, minimum=kpi_or_line.minimum, maximum=kpi_or_line.maximum)


def limits_text(limits: Limits) -> str:
    """The figures a KPI or a line allows, in words: "0 to 100", "at least 0", "…, whole
    numbers"."""
    minimum = grouped(limits.minimum)
    if limits.maximum is None:
        text = gettext("at least %(minimum)s") % {"minimum": minimum}
    else:
        text = gettext("%(minimum)s to %(maximum)s") % {
            "minimum": minimum,
            "maximum": grouped(limits.maximum),
        }
    if limits.whole:
        text = gettext("%(range)s, whole numbers") % {"range": text}
    return text


def is_zero_target(value: Decimal | None, direction: str) -> bool:
    """A target no actual figure can be measured against."""
    return value == 0 and direction == Direction.HIGHER


def parse_figure(
    raw: Any, field: str, errors: ErrorList, limits: Limits | None = None
) -> Decimal | None:
    """The figure `raw` holds (text, or a number cell of a file); None when it is blank
    (nothing to set) or refused (the reason is added to `errors` under `field`). With
    `limits`, a figure outside the KPI's own limits is refused too, the limit named."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    try:
        value = read_number(raw, FIGURE_RULE)
    except NumberRefused as refused:
        errors.add(field, refused.message, refused.code)
        return None
    if limits is not None:
        problem = limit_problem(value, field.rsplit(".", 1)[-1], limits)
        if problem is not None:
            errors.add(field, *problem)
            return None
    return value


def limit_problem(value: Decimal, figure: str, limits: Limits) -> tuple[Any, str] | None:
    """(message, code) when `value` is outside the KPI's limits, else None; `figure` is
    "target" or "actual"."""
    params = {"figure": FIGURE_NAMES.get(figure, figure), "value": written(value.normalize())}
    if limits.whole and value != value.to_integral_value():
        return NOT_WHOLE % params, "not_whole"
    if value < limits.minimum:
        return BELOW % {**params, "minimum": _shown(limits.minimum)}, "below_minimum"
    if limits.maximum is not None and value > limits.maximum:
        params["maximum"] = _shown(limits.maximum)
        reason = MAXIMUM_REASONS.get(limits.unit)  # type: ignore[call-overload]
        if reason is None:
            return ABOVE % params, "above_maximum"
        return ABOVE_BECAUSE % {**params, "reason": reason}, "above_maximum"
    return None


def _shown(value: Decimal) -> str:
    return written(value.normalize()) if value else "0"
