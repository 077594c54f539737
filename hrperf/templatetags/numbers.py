"""Figures in templates, written by `hrperf.lib.numbers`: `{{ line.target|amount }}`
(1,200,000), `{{ review.total_score|score }}` (92.00), `{{ share|percent }}` (80, 12.5).
None and "" become "" so that `|default:"—"` still applies."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from hrperf.lib import numbers

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@register.filter
def amount(value: Any) -> str:
    number = _decimal(value)
    return "" if number is None else numbers.amount(number)


@register.filter
def score(value: Any) -> str:
    number = _decimal(value)
    return "" if number is None else numbers.score(number)


@register.filter
def percent(value: Any) -> str:
    number = _decimal(value)
    return "" if number is None else numbers.percent(number)
