"""The one strict reader of numbers (hrperf.lib.decimals): exactly digits and one ".", nothing
that merely looks like a number."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from hrperf.lib.decimals import NumberRefused, NumberRule, read_number

FIGURE = NumberRule(places=4, below=Decimal(10) ** 14)
WHOLE = NumberRule(places=0)
SIGNED = NumberRule(places=2, negative=True)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def refusal(raw: Any, rule: NumberRule = FIGURE) -> tuple[str, str]:
    with pytest.raises(NumberRefused) as refused:
        read_number(raw, rule)
    return refused.value.code, str(refused.value.message)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("92.5", Decimal("92.5")),
        ("0", Decimal(0)),
        ("007", Decimal(7)),
        ("  92.5\t", Decimal("92.5")),  # spaces around it
        ("\u300092.5\u3000", Decimal("92.5")),  # an ideographic space too
        ("0.0001", Decimal("0.0001")),
        ("12.50000", Decimal("12.5")),  # trailing zeros are not decimal places
        ("99999999999999.9999", Decimal("99999999999999.9999")),
        (7, Decimal(7)),
        (Decimal("12.3400"), Decimal("12.34")),
        (92.5, Decimal("92.5")),  # a spreadsheet's float, by its shortest repr
        (0.1, Decimal("0.1")),
        (1e5, Decimal(100000)),
    ],
)
def test_a_number_is_read_exactly(raw: Any, value: Decimal) -> None:
    assert read_number(raw, FIGURE) == value


@pytest.mark.parametrize(
    "raw",
    [
        "92,5",  # neither 925 nor 92.5
        "1,000",
        "1,000.5",
        "1e5",
        "1E5",
        "1e-2",
        "1_000",
        "９２",  # full-width digits
        "٩٢",  # Arabic-Indic digits
        "۹۲",  # Extended Arabic-Indic digits
        "९२",  # Devanagari digits
        "+92",
        "92.",
        ".5",
        "9 2",
        "92.5.1",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "0x10",
        "½",
        "²",
        "92%",
        "",
        "   ",
        "-",
        ".",
        "92\u200b",  # a zero-width space is not a space
        None,
        [92],
    ],
)
def test_anything_else_is_not_a_number(raw: Any) -> None:
    code, message = refusal(raw)
    assert code == "invalid"
    assert message.endswith('is not a number: use digits with a "." for decimals, such as 92.5.')


def test_the_message_quotes_what_was_given() -> None:
    assert refusal("92,5")[1] == (
        '"92,5" is not a number: use digits with a "." for decimals, such as 92.5.'
    )
    assert refusal("x" * 100)[1].startswith('"' + "x" * 39 + "…" + '"')


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("-1", "negative", "-1 is negative: it must be at least 0."),
        ("-0", "negative", "-0 is negative: it must be at least 0."),
        (-0.0, "negative", "-0.0 is negative: it must be at least 0."),
        ("1.00001", "too_precise", "1.00001 has more than 4 decimal places."),
        (0.1 + 0.2, "too_precise", "0.30000000000000004 has more than 4 decimal places."),
        ("100000000000000", "too_large", "100000000000000 is too large: it must be below "
         "100000000000000."),
        (1e20, "too_large", "100000000000000000000 is too large: it must be below "
         "100000000000000."),
        (float("nan"), "invalid", '"NaN" is not a number: use digits with a "." for decimals, '
         "such as 92.5."),
        (float("inf"), "invalid", '"Infinity" is not a number: use digits with a "." for '
         "decimals, such as 92.5."),
        (Decimal("NaN"), "invalid", '"NaN" is not a number: use digits with a "." for decimals, '
         "such as 92.5."),
        (True, "invalid", "A yes/no value is not a number."),
        (False, "invalid", "A yes/no value is not a number."),
    ],
)  # fmt: skip
def test_a_number_outside_the_rule_is_refused_with_why(raw: Any, code: str, message: str) -> None:
    assert refusal(raw) == (code, message)


def test_a_whole_number_has_no_decimals() -> None:
    assert read_number("30", WHOLE) == 30
    assert read_number("30.0", WHOLE) == 30  # a whole number, written with a trailing zero
    assert refusal("30.5", WHOLE) == ("not_whole", "30.5 is not a whole number.")
    assert refusal("٣٠", WHOLE) == (
        "invalid",
        '"٣٠" is not a whole number: use the digits 0-9, such as 30.',
    )


def test_a_sign_only_where_negatives_are_allowed() -> None:
    assert read_number("-12.5", SIGNED) == Decimal("-12.5")
    assert refusal("+12.5", SIGNED)[0] == "invalid"
    assert refusal("--1", SIGNED)[0] == "invalid"
    assert refusal("- 1", SIGNED)[0] == "invalid"


def test_a_huge_text_is_refused_without_a_struggle() -> None:
    assert refusal("9" * 100_000)[0] == "too_large"
    assert refusal("1" + "0" * 50 + "e", FIGURE)[0] == "invalid"


@pytest.mark.parametrize(
    ("raw", "places", "code"),
    [
        ("1.0000000000000000000000000001", 4, "too_precise"),
        ("30.0000000000000000000000000001", 0, "not_whole"),
    ],
)
def test_places_are_counted_however_many_digits(raw: str, places: int, code: str) -> None:
    with pytest.raises(NumberRefused) as refused:
        read_number(raw, NumberRule(places=places))
    assert refused.value.code == code
