"""The quarter-on-quarter figures of the reports (reviews.selectors.reports.report) on a
hand-built pair of quarters: exact means, grade counts, shares and verbal warnings, each with
its change from the quarter before, per department and for all of them; filtered by range and
department; in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import ReviewCycle
from reviews.selectors import reports
from tests.helpers.reports import approved, department

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(personas, departments):
    """2026Q2 and 2026Q3 of SALES and MARKET, by hand:

    SALES  Q2: 80.00 B, 70.00 C (warned)         mean 75.00, 1 warning
           Q3: 90.50 A, 81.20 B, 59.00 D (warned) mean 76.90, 1 warning
    MARKET Q2: 95.00 S                            mean 95.00
           Q3: 96.00 S, 85.00 A                   mean 90.50
    """
    people = {"hr": personas["hr"], "director": personas["director"]}
    sales, market = departments["SALES"], departments["MARKET"]
    approved(
        **people,
        period="2026Q2",
        department=sales,
        rows=[("80.00", "B", False), ("70.00", "C", True)],
    )
    approved(
        **people,
        period="2026Q3",
        department=sales,
        rows=[("90.50", "A", False), ("81.20", "B", False), ("59.00", "D", True)],
    )
    approved(**people, period="2026Q2", department=market, rows=[("95.00", "S", False)])
    approved(
        **people,
        period="2026Q3",
        department=market,
        rows=[("96.00", "S", False), ("85.00", "A", False)],
    )
    return list(ReviewCycle.objects.order_by("-period"))


def test_each_department_beside_the_quarter_before(pair):
    data = reports.report(cycles=pair, period="2026Q3", department_id=None)
    assert data.periods == ["2026Q2", "2026Q3"]
    by_code = {s.department.code: s for s in data.series if s.department}
    assert list(by_code) == ["MARKET", "SALES"]  # by the catalogue's order
    sales = by_code["SALES"].last
    assert (sales.now.count, sales.now.mean, sales.mean_delta) == (
        3,
        Decimal("76.90"),
        Decimal("1.90"),
    )
    assert sales.now.grades == (0, 1, 1, 0, 1)
    assert sales.grade_deltas == [0, 1, 0, -1, 1]
    assert (sales.now.warnings, sales.warnings_delta) == (1, 0)
    assert [round(share or 0, 1) for share in sales.now.shares] == [
        Decimal("0.0"),
        Decimal("33.3"),
        Decimal("33.3"),
        Decimal("0.0"),
        Decimal("33.3"),
    ]
    market = by_code["MARKET"].last
    assert (market.now.mean, market.mean_delta) == (Decimal("90.50"), Decimal("-4.50"))
    assert market.grade_deltas == [0, 1, 0, 0, 0]
    # the first quarter of the range is set against the one before it: none here
    assert by_code["SALES"].changes[0].before is None
    assert by_code["SALES"].changes[0].mean_delta is None


def test_all_departments_together(pair):
    division = reports.report(cycles=pair, period="2026Q3", department_id=None).division
    q3 = division.last
    # (90.50 + 81.20 + 59.00 + 96.00 + 85.00) / 5 = 82.34; Q2 (80 + 70 + 95) / 3 = 81.67
    assert q3.before is not None
    assert (q3.now.count, q3.now.mean, q3.before.mean) == (5, Decimal("82.34"), Decimal("81.67"))
    assert q3.mean_delta == Decimal("0.67")
    assert q3.now.grades == (1, 2, 1, 0, 1) and q3.grade_deltas == [0, 2, 0, -1, 1]
    assert (q3.now.warnings, q3.warnings_delta) == (1, 0)


def test_one_department_and_one_quarter(pair, departments):
    data = reports.report(
        cycles=pair,
        period="2026Q3",
        period_from="2026Q3",
        department_id=departments["MARKET"].pk,
    )
    assert data.periods == ["2026Q3"]
    assert [s.department.code for s in data.series if s.department] == ["MARKET"]
    # the quarter before is still read for the change, though outside the range
    assert data.division.last.mean_delta == Decimal("-4.50")
    assert [r.result.review.department.code for r in data.training] == []


def test_a_closed_quarter_is_final(pair, personas):
    ReviewCycle.objects.filter(period="2026Q3").update(
        status="closed", closed_at="2026-10-20T10:00Z"
    )
    cycles = list(ReviewCycle.objects.order_by("-period"))
    data = reports.report(cycles=cycles, period="2026Q3", department_id=None)
    assert data.final
    assert not reports.report(cycles=cycles, period="2026Q2", department_id=None).final


def test_the_queries_do_not_grow_with_departments_or_quarters(personas, departments):
    people = {"hr": personas["hr"], "director": personas["director"]}

    def count(periods: list[str]) -> int:
        cycles = list(ReviewCycle.objects.order_by("-period"))
        with CaptureQueriesContext(connection) as queries:
            reports.report(
                cycles=cycles, period=periods[-1], period_from=periods[0], department_id=None
            )
        return len(queries)

    approved(
        **people, period="2026Q3", department=departments["SALES"], rows=[("80.00", "B", False)]
    )
    few = count(["2026Q3"])
    for index in range(12):
        extra = department(f"D{index:02d}", 10 + index)
        for period in ("2025Q4", "2026Q1", "2026Q2", "2026Q3"):
            approved(
                **people,
                period=period,
                department=extra,
                rows=[("70.00", "C", True), ("88.00", "A", False)],
            )
    assert count(["2025Q4", "2026Q3"]) == few == 3
