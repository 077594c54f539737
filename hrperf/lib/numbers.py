"""Figures as people read them. Scores are stored and computed as exact `Decimal`s; these only
decide how they are written on a page, in a file or in a chart."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def plain(value: Decimal | int | None) -> str:
    """A target or actual figure as people write it: exact, no exponent, no trailing zeros
    (100, 12.5, 5000000); "" for None."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def two(value: Decimal | int | None) -> str:
    """A score, achievement or coefficient with 2 decimals, rounded half up; "" for None."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP):f}"


def grouped(value: Decimal | int) -> str:
    """An amount without trailing zeros and with thousands separators, every digit kept:
    1234567.5000 → 1,234,567.5; 1200000 → 1,200,000. The same in both languages (Chinese
    business writing groups by thousands too)."""
    normalized = Decimal(value).normalize()
    if normalized == 0:
        return "0"
    return f"{normalized:,f}"


def amount(value: Decimal | int | None) -> str:
    """A target, actual figure or any other amount people read on a page, in a mail or on the
    printed form: `grouped`, "" for None. (Files people fill in again use `plain`.)"""
    return "" if value is None else grouped(value)


def score(value: Decimal | int | None) -> str:
    """A score, achievement or coefficient as payroll reads it: always 2 decimals, rounded half
    up, with thousands separators (92.00, 1,250.50); "" for None."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP):,f}"


def percent(value: Decimal | int | None) -> str:
    """A share or percentage without needless decimals: rounded half up to 2 places, then
    trailing zeros trimmed (80.00 → 80, 12.50 → 12.5, 33.333 → 33.33, 0.00 → 0); "" for
    None. The "%" sign is the caller's."""
    if value is None:
        return ""
    return grouped(Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


def chart_number(value: Decimal | None) -> str | None:
    """A figure for a chart: a string of 2 decimals (the script parses it), or null."""
    return None if value is None else f"{value:.2f}"


def plain_text(text: str) -> str:
    """Text that may hold a figure (as the audit trail keeps them): the figure written like
    `plain`, any other text unchanged."""
    try:
        return plain(Decimal(text))
    except (ArithmeticError, ValueError):
        return text


def amount_text(text: str) -> str:
    """Text that may hold a figure: the figure written like `amount` (1,200,000), any other
    text unchanged."""
    try:
        number = Decimal(text)
    except (ArithmeticError, ValueError):
        return text
    return amount(number) if number.is_finite() else text
