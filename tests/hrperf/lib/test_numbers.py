"""How figures are written on pages, in files and in charts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hrperf.lib.numbers import chart_number, grouped, plain, plain_text, two
from hrperf.lib.numbers import grouped as format_amount


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("100.0000"), "100"),
        (Decimal("12.5000"), "12.5"),
        (Decimal("5000000"), "5000000"),
        (Decimal("1E+2"), "100"),
        (Decimal("0.0000"), "0"),
        (Decimal("0.0001"), "0.0001"),
        (60, "60"),
        (None, ""),
    ],
)
def test_a_figure_is_written_exactly_without_trailing_zeros(
    value: Decimal | int | None, text: str
) -> None:
    assert plain(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("92.037894"), "92.04"),
        (Decimal("59.995"), "60.00"),  # half up, as scoring rounds
        (Decimal("0.005"), "0.01"),
        (Decimal("1.1"), "1.10"),
        (60, "60.00"),
        (None, ""),
    ],
)
def test_a_score_is_written_with_two_places_half_up(value: Decimal | int | None, text: str) -> None:
    assert two(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234567.5000"), "1,234,567.5"),
        (Decimal("5000000"), "5,000,000"),
        (Decimal("0.0000"), "0"),
        (Decimal("95"), "95"),
    ],
)
def test_an_amount_is_grouped_in_thousands(value: Decimal, text: str) -> None:
    assert grouped(value) == text


def test_a_chart_gets_two_places_or_null() -> None:
    assert chart_number(Decimal("87.5")) == "87.50"
    assert chart_number(None) is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("5000000.0000", "5000000"), ("92.50", "92.5"), ("draft", "draft"), ("", "")],
)
def test_a_stored_text_is_written_like_a_figure_when_it_is_one(stored: str, shown: str) -> None:
    assert plain_text(stored) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("100.0000"), "100"),
        (Decimal("0.5000"), "0.5"),
        (Decimal("0.0000"), "0"),
        (Decimal("1234567.5000"), "1,234,567.5"),
        (Decimal("95"), "95"),
        (Decimal("12000000"), "12,000,000"),
    ],
)
def test_it_formats_targets_without_trailing_zeros(value: Decimal, shown: str) -> None:
    assert format_amount(value) == shown


# -- amounts, scores and percentages as people read them ------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1200000"), "1,200,000"),
        (Decimal("1200000.0000"), "1,200,000"),
        (Decimal("1234567.8912"), "1,234,567.8912"),  # every digit kept
        (Decimal("999"), "999"),
        (Decimal("0.0000"), "0"),
        (Decimal("-2500.5"), "-2,500.5"),
        (1500, "1,500"),
        (None, ""),
    ],
)
def test_an_amount_has_thousands_separators_and_its_exact_digits(value, text) -> None:
    from hrperf.lib.numbers import amount

    assert amount(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("92.035"), "92.04"),  # half up
        (Decimal("80"), "80.00"),  # a score always has 2 decimals
        (Decimal("1234.5"), "1,234.50"),
        (None, ""),
    ],
)
def test_a_score_keeps_two_decimals(value, text) -> None:
    from hrperf.lib.numbers import score

    assert score(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("80.00"), "80"),
        (Decimal("0.00"), "0"),
        (Decimal("12.50"), "12.5"),
        (Decimal("33.3333"), "33.33"),
        (Decimal("4.445"), "4.45"),  # half up
        (Decimal("1000"), "1,000"),
        (None, ""),
    ],
)
def test_a_percentage_has_no_needless_decimals(value, text) -> None:
    from hrperf.lib.numbers import percent

    assert percent(value) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [("1200000", "1,200,000"), ("12.5000", "12.5"), ("—", "—"), ("", ""), ("NaN", "NaN")],
)
def test_a_figure_in_text_is_written_as_an_amount(text, shown) -> None:
    from hrperf.lib.numbers import amount_text

    assert amount_text(text) == shown
