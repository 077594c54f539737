"""Aggregates for the dashboard and the reports, and the reports' Excel workbook (reads only).

The dashboard counts a quarter's reviews as they stand (`Review`); the reports read what was
approved (`ApprovedResult`, the latest version of each review: what payroll pays on). Every
function runs a fixed number of queries, aggregating in SQL, however many reviews there are.
Averages are exact: the database sums the totals and counts them, and the division is done in
`Decimal`, rounded to 2 places half up as scoring rounds.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from departments.models import Competency
from hrperf.lib.bilingual import localized
from hrperf.lib.periods import shift_period
from hrperf.lib.roles import Roles
from hrperf.lib.spreadsheets import xlsx_text
from reviews import scoring
from reviews.models import ApprovedResult, AssessorRole, Review, ReviewCycle
from reviews.selectors import visible_reviews

GRADES: tuple[str, ...] = tuple(Review.Grade.values)
# Reviews whose total score counts in the dashboard's grades and averages.
SCORED_STATES = (Review.State.SCORED, Review.State.APPROVED)
BELOW_THRESHOLD_SHOWN = 20
TREND_QUARTERS = 8


def average(total: Decimal | None, count: int) -> Decimal | None:
    """`total / count`, exact, rounded to 2 places half up; None when nothing was counted."""
    if not count or total is None:
        return None
    return scoring.round2(Decimal(total) / count)


@dataclass(frozen=True)
class DepartmentRef:
    """A department as the aggregates name it (one query gives both the figures and this)."""

    id: int
    code: str
    seq: int
    name_zh: str
    name_en: str

    def tr(self, field_name: str) -> str:
        return localized(self, field_name)

    @property
    def name(self) -> str:
        return self.tr("name")


_DEPARTMENT_COLUMNS = ("id", "code", "seq", "name_zh", "name_en")


def _department(row: dict[str, Any], prefix: str) -> DepartmentRef:
    return DepartmentRef(**{column: row[f"{prefix}{column}"] for column in _DEPARTMENT_COLUMNS})


# -- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentAverage:
    department: DepartmentRef
    count: int
    average: Decimal | None


@dataclass(frozen=True)
class Overview:
    """A quarter's reviews at a glance, as far as the viewer sees them."""

    cycle: ReviewCycle
    by_state: dict[str, int]  # every state, zeros included
    total: int
    approved: int
    grades: dict[str, int]  # S..D of scored and approved reviews, zeros included
    graded: int
    department_averages: list[DepartmentAverage]  # by the catalogue's order
    below_threshold: list[Review]  # the first few with a verbal warning, lowest first
    below_threshold_count: int

    @property
    def completion_percent(self) -> Decimal:
        if not self.total:
            return Decimal(0)
        return scoring.round2(Decimal(self.approved) * 100 / self.total)


def _quarter_reviews(
    *, viewer_roles: Roles, cycle: ReviewCycle, department_id: int | None
) -> QuerySet[Review]:
    reviews = visible_reviews(viewer_roles=viewer_roles).filter(cycle=cycle)
    if department_id is not None:
        reviews = reviews.filter(department_id=department_id)
    return reviews


def cycle_overview(
    *, viewer_roles: Roles, cycle: ReviewCycle, department_id: int | None = None
) -> Overview:
    """Progress, grades, department averages and the reviews below the warning threshold of a
    quarter's reviews that the viewer sees (only `department_id`'s when given). Three queries."""
    reviews = _quarter_reviews(
        viewer_roles=viewer_roles, cycle=cycle, department_id=department_id
    ).order_by()
    by_state = dict.fromkeys(Review.State.values, 0)
    grades = dict.fromkeys(GRADES, 0)
    warned = 0
    for state, grade, verbal_warning, count in reviews.values_list(
        "state", "grade", "verbal_warning"
    ).annotate(count=Count("pk")):
        by_state[state] = by_state.get(state, 0) + count
        if state in SCORED_STATES and grade in grades:
            grades[grade] += count
        if verbal_warning:
            warned += count
    prefix = "department__"
    averages = [
        DepartmentAverage(
            department=_department(row, prefix),
            count=row["count"],
            average=average(row["total"], row["count"]),
        )
        for row in reviews.filter(state__in=SCORED_STATES, total_score__isnull=False)
        .values(*(prefix + column for column in _DEPARTMENT_COLUMNS))
        .annotate(total=Sum("total_score"), count=Count("pk"))
        .order_by("department__seq", "department__code")
    ]
    below = list(
        reviews.filter(verbal_warning=True)
        .select_related("employee", "department")
        .order_by("total_score", "employee__employee_no")[:BELOW_THRESHOLD_SHOWN]
    )
    return Overview(
        cycle=cycle,
        by_state=by_state,
        total=sum(by_state.values()),
        approved=by_state[Review.State.APPROVED],
        grades=grades,
        graded=sum(grades.values()),
        department_averages=averages,
        below_threshold=below,
        below_threshold_count=warned,
    )


@dataclass(frozen=True)
class Waiting:
    """How many of a quarter's reviews wait for the viewer, by kind of work (zeros included).

    Kinds: `to_approve` (scored, for the director), `director_ratings` / `hr_ratings` (drafts
    the assessor has not fully rated), `returned` and `reopened` (back with HR),
    `incomplete` (drafts still missing something) and `ready` (complete drafts to submit)."""

    counts: dict[str, int] = field(default_factory=dict)


DIRECTOR_WORK = ("to_approve", "director_ratings")
HR_WORK = ("returned", "reopened", "incomplete", "ready", "hr_ratings")


def waiting_for(*, viewer_roles: Roles, cycle: ReviewCycle, by_state: dict[str, int]) -> Waiting:
    """What waits for the director or HR in the quarter (empty for anyone else). `by_state`
    is the overview's count by state. Two queries at most."""
    if not (viewer_roles.is_director or viewer_roles.is_hr):
        return Waiting()
    competencies = Competency.objects.count()
    drafts = (
        Review.objects.filter(cycle=cycle, state=Review.State.DRAFT)
        .annotate(
            director_rated=Count(
                "ratings", filter=Q(ratings__assessor_role=AssessorRole.MARKETING_DIRECTOR)
            ),
            hr_rated=Count("ratings", filter=Q(ratings__assessor_role=AssessorRole.HR)),
        )
        .aggregate(
            complete=Count("pk", filter=Q(incomplete_reasons=[])),
            all=Count("pk"),
            director_ratings=Count("pk", filter=Q(director_rated__lt=competencies)),
            hr_ratings=Count("pk", filter=Q(hr_rated__lt=competencies)),
        )
    )
    counts: dict[str, int] = {}
    if viewer_roles.is_director:
        counts["to_approve"] = by_state.get(Review.State.SCORED, 0)
        counts["director_ratings"] = drafts["director_ratings"]
    if viewer_roles.is_hr:
        counts["returned"] = by_state.get(Review.State.RETURNED, 0)
        counts["reopened"] = by_state.get(Review.State.REOPENED, 0)
        counts["incomplete"] = drafts["all"] - drafts["complete"]
        counts["ready"] = drafts["complete"]
        counts["hr_ratings"] = drafts["hr_ratings"]
    return Waiting(counts=counts)


def my_approved_reviews(*, viewer_roles: Roles) -> list[ApprovedResult]:
    """The viewer's own results as last approved (what payroll pays on), one per quarter,
    newest first (one query). A review reopened for a correction keeps its approved result
    here; its page opens again once it is approved anew."""
    if viewer_roles.employee is None:
        return []
    return list(
        latest_results()
        .filter(review__employee_id=viewer_roles.employee.pk)
        .select_related("review__cycle", "review__department")
        .defer("snapshot")
        .order_by("-review__cycle__period")
    )


# -- the reports -----------------------------------------------------------------------------


def latest_results() -> QuerySet[ApprovedResult]:
    """The latest approved version of every review (what payroll pays on)."""
    newer = ApprovedResult.objects.filter(
        review_id=OuterRef("review_id"), version__gt=OuterRef("version")
    )
    return ApprovedResult.objects.filter(~Exists(newer))


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
        .values("review__cycle__period", *(prefix + column for column in _DEPARTMENT_COLUMNS))
        .annotate(total=Sum("total_score"), count=Count("pk"))
        .order_by()
    ):
        department = _department(row, prefix)
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


# -- the Excel workbook ----------------------------------------------------------------------

TWO_PLACES = "0.00"
SHEET_TITLE_LIMIT = 31  # Excel's limit on a sheet's name
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in one


def _sheet_title(title: str) -> str:
    """A translated title as Excel accepts it: no forbidden character, at most 31 long."""
    return SHEET_TITLE_FORBIDDEN.sub(" ", title).strip()[:SHEET_TITLE_LIMIT]


class _Sheet:
    """A worksheet filled row by row (openpyxl's `max_row` walks every cell: counting here keeps
    a workbook of thousands of rows linear)."""

    def __init__(self, workbook: Any, title: str, header: Sequence[str], widths: Sequence[int]):
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.sheet = workbook.create_sheet(title=_sheet_title(title))
        self.rows = 0
        for cell in self.append(header):
            cell.font = Font(bold=True)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"

    def append(self, values: Iterable[Any]) -> list[Any]:
        """Write a row; decimals stay numbers and show 2 places; text cells stay text."""
        self.rows += 1
        cells = []
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.rows, column=column, value=value)
            if isinstance(value, Decimal):
                cell.number_format = TWO_PLACES
            elif isinstance(value, str):
                cell.number_format = "@"
                xlsx_text(cell)
            cells.append(cell)
        return cells


def _yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def report_workbook(*, data: Report, results: Iterable[ApprovedResult]) -> bytes:
    """The reports as an .xlsx workbook, headers in the active language."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)

    sheet = _Sheet(
        workbook,
        gettext("Department averages"),
        [gettext("Department code"), gettext("Department"), *data.periods],
        [16, 28, *(12 for _ in data.periods)],
    )
    for trend in data.trend:
        sheet.append([trend.department.code, trend.department.name, *trend.averages])

    sheet = _Sheet(
        workbook,
        gettext("Grade distribution"),
        [gettext("Quarter"), *GRADES, pgettext("count", "Total")],
        [12, *(8 for _ in GRADES), 10],
    )
    for grades in data.grades:
        sheet.append([grades.period, *grades.counts, grades.total])

    person = [gettext("Employee number"), gettext("Name"), gettext("Department")]
    sheet = _Sheet(
        workbook,
        gettext("Training list"),
        [
            *person,
            gettext("Total score"),
            gettext("Grade"),
            gettext("Pay coefficient"),
            gettext("Verbal warning"),
        ],
        [14, 12, 28, 12, 8, 14, 12],
    )
    for row in data.training:
        result = row.result
        sheet.append(
            [
                *_person(result),
                result.total_score,
                result.grade,
                result.pay_coefficient,
                _yes_no(result.verbal_warning),
            ],
        )

    sheet = _Sheet(
        workbook,
        gettext("Promotion list"),
        [
            *person,
            gettext("Total score, %(period)s") % {"period": data.previous_period or ""},
            gettext("Total score, %(period)s") % {"period": data.period},
        ],
        [14, 12, 28, 18, 18],
    )
    for row in data.promotion:
        result = row.result
        sheet.append(
            [
                *_person(result),
                row.previous_total,
                result.total_score,
            ],
        )

    sheet = _Sheet(
        workbook,
        gettext("Approved results %(period)s") % {"period": data.period},
        [
            *person,
            gettext("KPI score"),
            gettext("Competency score"),
            gettext("Total score"),
            gettext("Grade"),
            gettext("Pay coefficient"),
            gettext("Verbal warning"),
            gettext("Version"),
            gettext("Approved at"),
        ],
        [14, 12, 28, 12, 14, 12, 8, 14, 12, 8, 20],
    )
    for result in results:
        cells = sheet.append(
            [
                *_person(result),
                result.kpi_score,
                result.competency_score,
                result.total_score,
                result.grade,
                result.pay_coefficient,
                _yes_no(result.verbal_warning),
                result.version,
                timezone.localtime(result.approved_at).replace(tzinfo=None),
            ],
        )
        cells[-1].number_format = "yyyy-mm-dd hh:mm"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _person(result: ApprovedResult) -> list[str]:
    review = result.review
    return [review.employee.employee_no, review.employee.name, review.department.tr("name")]
