"""The reports' reads, from what was approved (`ApprovedResult`, the latest version of each
review: what payroll pays on), over a range of quarters and of one department or all: each
department's mean total, grade distribution and verbal warnings by quarter, each beside the
calendar quarter before it (the quarter-on-quarter change), the training list (C, D) and the
promotion list (S twice in a row). A closed quarter's figures are final (`Report.closed_at`).
Each read runs a fixed number of queries, aggregating in SQL, however many reviews,
departments or quarters there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from hrperf.lib.periods import shift_period
from hrperf.lib.replica import read_alias
from reviews.models import ApprovedResult, Review, ReviewCycle
from reviews.selectors.aggregates import (
    DEPARTMENT_COLUMNS,
    GRADES,
    DepartmentRef,
    average,
    department_ref,
    latest_results,
)

TREND_QUARTERS = 8  # the quarters shown when the range's start is not given
MAX_QUARTERS = 20  # the most quarters one report spans


def _results(*, department_id: int | None) -> QuerySet[ApprovedResult]:
    # Approved results are only ever added: the replica's copy, a few seconds old at most.
    results = latest_results().using(read_alias())
    if department_id is not None:
        results = results.filter(review__department_id=department_id)
    return results


def report_periods(
    *, cycles: Sequence[ReviewCycle], period: str, period_from: str | None = None
) -> list[str]:
    """The quarters a report spans, oldest first: those opened from `period_from` to `period`
    (without a start: the last `TREND_QUARTERS` up to `period`), at most `MAX_QUARTERS`."""
    earlier = sorted(cycle.period for cycle in cycles if cycle.period <= period)
    if period_from is None:
        return earlier[-TREND_QUARTERS:]
    return [p for p in earlier if p >= period_from][-MAX_QUARTERS:]


@dataclass(frozen=True)
class Figures:
    """The approved results of one department (or of all shown) in one quarter."""

    count: int = 0
    total: Decimal = Decimal(0)  # the sum of the totals
    grades: tuple[int, ...] = (0,) * len(GRADES)  # S..D
    warnings: int = 0  # verbal warnings

    @property
    def mean(self) -> Decimal | None:
        return average(self.total, self.count)

    @property
    def shares(self) -> list[Decimal | None]:
        """Each grade's share of the results, in percent (exact; pages round it)."""
        if not self.count:
            return [None for _ in GRADES]
        return [Decimal(100) * count / self.count for count in self.grades]

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            count=self.count + other.count,
            total=self.total + other.total,
            grades=tuple(a + b for a, b in zip(self.grades, other.grades, strict=True)),
            warnings=self.warnings + other.warnings,
        )


@dataclass(frozen=True)
class Change:
    """A quarter's figures beside those of the calendar quarter before it (`before` None when
    nothing was approved then): the quarter-on-quarter change."""

    period: str
    now: Figures
    before: Figures | None

    @property
    def mean_delta(self) -> Decimal | None:
        if self.before is None or self.now.mean is None or self.before.mean is None:
            return None
        return self.now.mean - self.before.mean

    @property
    def warnings_delta(self) -> int | None:
        return None if self.before is None else self.now.warnings - self.before.warnings

    @property
    def grade_deltas(self) -> list[int | None]:
        if self.before is None:
            return [None for _ in GRADES]
        return [a - b for a, b in zip(self.now.grades, self.before.grades, strict=True)]

    @property
    def count_delta(self) -> int | None:
        return None if self.before is None else self.now.count - self.before.count


@dataclass(frozen=True)
class Series:
    """One department (None: all the report shows together, the division) over the report's
    quarters, one `Change` a quarter, oldest first."""

    department: DepartmentRef | None
    changes: list[Change]

    @property
    def averages(self) -> list[Decimal | None]:
        return [change.now.mean for change in self.changes]

    @property
    def last(self) -> Change:
        return self.changes[-1]


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
    period: str  # the range's last quarter: its lists, its quarter-on-quarter change
    previous_period: str | None
    periods: list[str]  # oldest first
    series: list[Series]  # each department with an approved result in the range
    division: Series  # all of them together
    training: list[ResultRow]
    promotion: list[ResultRow]
    department_id: int | None = None  # the report of one department (None: all)
    closed_at: dict[str, datetime | None] = field(default_factory=dict)  # final quarters

    @property
    def period_from(self) -> str:
        return self.periods[0] if self.periods else self.period

    @property
    def final(self) -> bool:
        """Whether the range's last quarter is closed: its figures no longer change."""
        return self.closed_at.get(self.period) is not None

    @property
    def trend(self) -> list[TrendRow]:
        return [
            TrendRow(
                department=series.department,
                averages=series.averages,
                counts=[change.now.count for change in series.changes],
            )
            for series in self.series
            if series.department is not None
        ]

    @property
    def grades(self) -> list[GradeRow]:
        return [
            GradeRow(period=c.period, counts=list(c.now.grades), total=c.now.count)
            for c in self.division.changes
        ]


GRADE_COUNTS = {f"grade_{grade}": Count("pk", filter=Q(grade=grade)) for grade in GRADES}


def department_figures(
    *, periods: Sequence[str], department_id: int | None
) -> tuple[dict[int, DepartmentRef], dict[int, dict[str, Figures]]]:
    """Each department's figures per quarter of `periods`. One query, aggregated in SQL."""
    prefix = "review__department__"
    departments: dict[int, DepartmentRef] = {}
    figures: dict[int, dict[str, Figures]] = defaultdict(dict)
    for row in (
        _results(department_id=department_id)
        .filter(review__cycle__period__in=list(periods))
        .values("review__cycle__period", *(prefix + column for column in DEPARTMENT_COLUMNS))
        .annotate(
            total=Sum("total_score"),
            count=Count("pk"),
            warnings=Count("pk", filter=Q(verbal_warning=True)),
            **GRADE_COUNTS,
        )
        .order_by()
    ):
        department = department_ref(row, prefix)
        departments[department.id] = department
        figures[department.id][row["review__cycle__period"]] = Figures(
            count=row["count"],
            total=row["total"],
            grades=tuple(row[f"grade_{grade}"] for grade in GRADES),
            warnings=row["warnings"],
        )
    return departments, figures


def _series(
    department: DepartmentRef | None, figures: dict[str, Figures], periods: Sequence[str]
) -> Series:
    changes = []
    for period in periods:
        before = shift_period(period, -1)
        changes.append(
            Change(
                period=period,
                now=figures.get(period, Figures()),
                before=figures.get(before) if before is not None else None,
            )
        )
    return Series(department=department, changes=changes)


def quarter_changes(
    *, periods: Sequence[str], department_id: int | None
) -> tuple[list[Series], Series]:
    """Each department's series over `periods` (those with an approved result in them) and
    the division's, each quarter beside the calendar quarter before it. One query."""
    before_first = shift_period(periods[0], -1) if periods else None
    wanted = [*periods, *([before_first] if before_first else [])]
    departments, figures = department_figures(periods=wanted, department_id=department_id)
    shown = [
        department
        for department in sorted(departments.values(), key=lambda d: (d.seq, d.code))
        if any(period in figures[department.id] for period in periods)
    ]
    division: dict[str, Figures] = defaultdict(Figures)
    for per_period in figures.values():
        for period, quarter in per_period.items():
            division[period] = division[period] + quarter
    return (
        [_series(department, figures[department.id], periods) for department in shown],
        _series(None, dict(division), periods),
    )


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


def report(
    *,
    cycles: Sequence[ReviewCycle],
    period: str,
    department_id: int | None,
    period_from: str | None = None,
) -> Report:
    """The reports of the quarters from `period_from` to `period` (of `cycles`; without a
    start, the last `TREND_QUARTERS`), of one department or all: each quarter beside the one
    before, and the lists of `period`. Three queries."""
    shown = report_periods(cycles=cycles, period=period, period_from=period_from)
    series, division = quarter_changes(periods=shown, department_id=department_id)
    return Report(
        period=period,
        previous_period=shift_period(period, -1),
        periods=shown,
        series=series,
        division=division,
        training=training_list(period=period, department_id=department_id),
        promotion=promotion_list(period=period, department_id=department_id),
        department_id=department_id,
        closed_at={cycle.period: cycle.closed_at for cycle in cycles if cycle.period in shown},
    )


def approved_results(*, period: str, department_id: int | None) -> QuerySet[ApprovedResult]:
    """Every latest approved result of the quarter, with employee and department loaded."""
    return _listed(
        _results(department_id=department_id).filter(review__cycle__period=period)
    ).defer("snapshot")
