"""The values a KPI's figures may take, read as people and files send them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from hrperf.lib.errors import ErrorList
from kpis.values import FIGURE_LIMIT, is_zero_target, parse_figure


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def parsed(raw: Any) -> tuple[Decimal | None, list[tuple[str, str, str]]]:
    errors = ErrorList()
    value = parse_figure(raw, "K1.actual", errors)
    return value, [(e.field, e.code, str(e.message)) for e in errors.errors]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("92.5", Decimal("92.5")),
        (" 1,000.25 ", Decimal("1000.25")),
        ("0", Decimal(0)),
        ("0.0001", Decimal("0.0001")),
        (Decimal("12.3400"), Decimal("12.34")),
        (7, Decimal(7)),
        ("99999999999999.9999", Decimal("99999999999999.9999")),
    ],
)
def test_a_figure_is_read_exactly(raw: Any, value: Decimal) -> None:
    assert parsed(raw) == (value, [])


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_a_blank_figure_is_nothing_to_set(raw: Any) -> None:
    assert parsed(raw) == (None, [])


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("abc", "invalid", "Enter a number."),
        ("NaN", "invalid", "Enter a number."),
        ("Infinity", "invalid", "Enter a number."),
        ("-1", "negative", "A figure cannot be negative."),
        ("1.00001", "too_precise", "Use at most 4 decimal places."),
        (str(FIGURE_LIMIT), "too_large", "This figure is too large."),
        (92.5, "invalid", 'Give the number as text, such as "92.5".'),
        (True, "invalid", 'Give the number as text, such as "92.5".'),
    ],
)
def test_a_refused_figure_names_its_field_and_why(raw: Any, code: str, message: str) -> None:
    assert parsed(raw) == (None, [("K1.actual", code, message)])


@pytest.mark.parametrize(
    ("value", "direction", "zero"),
    [
        (Decimal(0), "higher", True),
        (Decimal("0.0000"), "higher", True),
        (Decimal(0), "lower", False),  # zero tolerance: a lower-is-better target may be 0
        (Decimal(1), "higher", False),
        (None, "higher", False),
    ],
)
def test_a_zero_target_is_refused_only_where_higher_is_better(
    value: Decimal | None, direction: str, zero: bool
) -> None:
    assert is_zero_target(value, direction) == zero
