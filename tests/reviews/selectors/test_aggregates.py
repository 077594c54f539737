"""What the dashboard and the reports count with (reviews.selectors.aggregates): exact
averages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reviews.selectors import aggregates


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        (Decimal("152.05"), 2, Decimal("76.03")),  # 76.025 rounds half up
        (Decimal("100"), 3, Decimal("33.33")),
        (Decimal("200"), 3, Decimal("66.67")),
        (Decimal("92.04"), 1, Decimal("92.04")),
        (Decimal(0), 0, None),
        (None, 0, None),
        (None, 2, None),
    ],
)
def test_average_is_exact_and_rounds_half_up(total, count, expected):
    assert aggregates.average(total, count) == expected
