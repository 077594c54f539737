"""The values a KPI's figures may take, read as people and files send them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from hrperf.lib.errors import ErrorList
from kpis.values import FIGURE_LIMIT, Limits, default_limits, is_zero_target, parse_figure

NOT_A_NUMBER = '"{}" is not a number: use digits with a "." for decimals, such as 92.5.'


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
        (" 1000.25 ", Decimal("1000.25")),
        (92.5, Decimal("92.5")),  # a number cell of a spreadsheet
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
        ("abc", "invalid", NOT_A_NUMBER.format("abc")),
        ("NaN", "invalid", NOT_A_NUMBER.format("NaN")),
        ("Infinity", "invalid", NOT_A_NUMBER.format("Infinity")),
        ("92,5", "invalid", NOT_A_NUMBER.format("92,5")),  # was read as 925
        (" 1,000.25 ", "invalid", NOT_A_NUMBER.format("1,000.25")),
        ("1e5", "invalid", NOT_A_NUMBER.format("1e5")),
        ("1_000", "invalid", NOT_A_NUMBER.format("1_000")),
        ("９２", "invalid", NOT_A_NUMBER.format("９２")),
        ("٩٢", "invalid", NOT_A_NUMBER.format("٩٢")),
        ("-1", "negative", "-1 is negative: it must be at least 0."),
        ("1.00001", "too_precise", "1.00001 has more than 4 decimal places."),
        (
            str(FIGURE_LIMIT),
            "too_large",
            "100000000000000 is too large: it must be below 100000000000000.",
        ),
        (True, "invalid", "A yes/no value is not a number."),
    ],
)
def test_a_refused_figure_names_its_field_and_why(raw: Any, code: str, message: str) -> None:
    assert parsed(raw) == (None, [("K1.actual", code, message)])


SHARE = Limits(unit="percent", minimum=Decimal(0), maximum=Decimal(100))
SCORE = Limits(unit="points", minimum=Decimal(0), maximum=Decimal(100))
COUNT = Limits(unit="count")
MONEY = Limits(unit="yuan")


@pytest.mark.parametrize(
    ("raw", "limits", "field", "code", "message"),
    [
        ("103.5", SHARE, "K1.actual", "above_maximum",
         "actual 103.5 is above this KPI's maximum of 100 (a share of a whole)."),
        ("100.0001", SHARE, "target", "above_maximum",
         "target 100.0001 is above this KPI's maximum of 100 (a share of a whole)."),
        ("101", SCORE, "actual", "above_maximum",
         "actual 101 is above this KPI's maximum of 100 (the top of its scale)."),
        ("3.5", COUNT, "actual", "not_whole", "actual 3.5 is not a whole number: this KPI counts."),
        ("4", Limits(unit="yuan", minimum=Decimal(5)), "target", "below_minimum",
         "target 4 is below this KPI's minimum of 5."),
        ("11", Limits(unit="yuan", maximum=Decimal(10)), "target", "above_maximum",
         "target 11 is above this KPI's maximum of 10."),
    ],
)  # fmt: skip
def test_a_figure_outside_its_kpis_limits_is_refused_naming_the_limit(
    raw: str, limits: Limits, field: str, code: str, message: str
) -> None:
    errors = ErrorList()
    assert parse_figure(raw, field, errors, limits) is None
    assert [(e.field, e.code, str(e.message)) for e in errors.errors] == [(field, code, message)]


@pytest.mark.parametrize(
    ("raw", "limits"),
    [("100", SHARE), ("0", SHARE), ("100.0000", SCORE), ("3", COUNT), ("3.0", COUNT),
     ("99999999999999", MONEY), ("250", Limits(unit="percent"))],
)  # fmt: skip
def test_a_figure_within_its_kpis_limits_is_taken(raw: str, limits: Limits) -> None:
    errors = ErrorList()
    assert parse_figure(raw, "actual", errors, limits) == Decimal(raw)
    assert errors.errors == []


@pytest.mark.parametrize(
    ("unit", "limits"),
    [
        ("percent", (Decimal(0), None)),  # a completion rate may pass 100 %
        ("points", (Decimal(0), Decimal(100))),
        ("count", (Decimal(0), None)),
        ("yuan", (Decimal(0), None)),
    ],
)
def test_a_unit_has_default_limits(unit: str, limits: tuple[Decimal, Decimal | None]) -> None:
    assert default_limits(unit) == limits


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
