"""The reports' reads, from what was approved (`ApprovedResult`, the latest version of each
review: what payroll pays on): each department's average by quarter, the grade distribution,
the training list (C, D) and the promotion list (S twice in a row). Each read runs a fixed
number of queries, aggregating in SQL, however many reviews there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum

from hrperf.lib.periods import shift_period
from reviews.models import ApprovedResult, Review, ReviewCycle
from reviews.selectors.aggregates import (
    DEPARTMENT_COLUMNS,
    GRADES,
    DepartmentRef,
    average,
    department_ref,
    latest_results,
)

TREND_QUARTERS = 8


def _results(*, department_id: int | None) -> QuerySet[ApprovedResult]:
    results = latest_results()
    if department_id is not None:
        results = results.filter(review__department_id=department_id)
    return results


def report_periods(*, cycles: Sequence[ReviewCycle], period: str) -> list[str]:
    """The quarters the trend shows: up to `TREND_QUARTERS` up to `period`, oldest first."""
    earlier = sorted(cycle.period for cycle in cycles if cycle.period <= period)
    return earlier[-TREND_QUARTERS:]


@dataclass(frozen=True)
class TrendRow:
    department: DepartmentRef
    averages: list[Decimal | None]  # one per period of the report, in its order
    counts: list[int]


@dataclass(frozen=True)
class GradeRow:
    period: str
    counts: list[int]  # one per grade, S..D
    total: int


@dataclass(frozen=True)
class ResultRow:
    """One approved result as the reports list it."""

    result: ApprovedResult
    previous_total: Decimal | None = None  # the promotion list: last quarter's total


@dataclass(frozen=True)
class Report:
    period: str
    previous_period: str | None
    periods: list[str]  # oldest first
    trend: list[TrendRow]
    grades: list[GradeRow]  # one per period, oldest first
    training: list[ResultRow]
    promotion: list[ResultRow]


def department_trend(*, periods: Sequence[str], department_id: int | None) -> list[TrendRow]:
    """Each department's average approved total per quarter of `periods`. One query."""
    prefix = "review__department__"
    sums: dict[int, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    departments: dict[int, DepartmentRef] = {}
    for row in (
        _results(department_id=department_id)
        .filter(review__cycle__period__in=list(periods))
        .values("review__cycle__period", *(prefix + column for column in DEPARTMENT_COLUMNS))
        .annotate(total=Sum("total_score"), count=Count("pk"))
        .order_by()
    ):
        department = department_ref(row, prefix)
        departments[department.id] = department
        sums[department.id][row["review__cycle__period"]] = (row["total"], row["count"])
    rows = []
    for department in sorted(departments.values(), key=lambda d: (d.seq, d.code)):
        figures = sums[department.id]
        rows.append(
            TrendRow(
                department=department,
                averages=[average(*figures.get(period, (None, 0))) for period in periods],
                counts=[figures.get(period, (Decimal(0), 0))[1] for period in periods],
            )
        )
    return rows


def grade_distribution(*, periods: Sequence[str], department_id: int | None) -> list[GradeRow]:
    """How many approved results had each grade, per quarter of `periods`. One query."""
    counts: dict[str, dict[str, int]] = {period: dict.fromkeys(GRADES, 0) for period in periods}
    for period, grade, count in (
        _results(department_id=department_id)
        .filter(review__cycle__period__in=list(periods))
        .values_list("review__cycle__period", "grade")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        if grade in counts[period]:
            counts[period][grade] += count
    return [
        GradeRow(
            period=period,
            counts=[counts[period][grade] for grade in GRADES],
            total=sum(counts[period].values()),
        )
        for period in periods
    ]


def _listed(results: QuerySet[ApprovedResult]) -> QuerySet[ApprovedResult]:
    return results.select_related("review__employee", "review__department").order_by(
        "review__department__seq", "review__employee__employee_no"
    )


def training_list(*, period: str, department_id: int | None) -> list[ResultRow]:
    """Approved results graded C or D in the quarter: the candidates for training. One query."""
    results = _results(department_id=department_id).filter(
        review__cycle__period=period, grade__in=[Review.Grade.C, Review.Grade.D]
    )
    return [ResultRow(result=result) for result in _listed(results)]


def promotion_list(*, period: str, department_id: int | None) -> list[ResultRow]:
    """Employees graded S in the quarter and in the calendar quarter just before it (S twice in
    a row), each with the earlier total. One query."""
    before = shift_period(period, -1)
    if before is None:
        return []
    earlier_s = latest_results().filter(
        review__cycle__period=before,
        grade=Review.Grade.S,
        review__employee_id=OuterRef("review__employee_id"),
    )
    results = _listed(
        _results(department_id=department_id)
        .filter(review__cycle__period=period, grade=Review.Grade.S)
        .annotate(previous_total=Subquery(earlier_s.order_by().values("total_score")[:1]))
        .filter(previous_total__isnull=False)
    )
    return [
        ResultRow(result=result, previous_total=result.previous_total)  # type: ignore[attr-defined]
        for result in results
    ]


def report(*, cycles: Sequence[ReviewCycle], period: str, department_id: int | None) -> Report:
    """The reports of quarter `period` (one of `cycles`), of one department or all."""
    shown = report_periods(cycles=cycles, period=period)
    return Report(
        period=period,
        previous_period=shift_period(period, -1),
        periods=shown,
        trend=department_trend(periods=shown, department_id=department_id),
        grades=grade_distribution(periods=shown, department_id=department_id),
        training=training_list(period=period, department_id=department_id),
        promotion=promotion_list(period=period, department_id=department_id),
    )


def approved_results(*, period: str, department_id: int | None) -> QuerySet[ApprovedResult]:
    """Every latest approved result of the quarter, with employee and department loaded."""
    return _listed(
        _results(department_id=department_id).filter(review__cycle__period=period)
    ).defer("snapshot")
