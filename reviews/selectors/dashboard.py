"""The dashboard's reads: a quarter's reviews at a glance as far as the viewer sees them (by
state, by grade, department averages, the reviews below the warning threshold) and an
employee's own approved results (what waits for the viewer: `reviews.selectors.todos`). The
dashboard counts reviews as they stand (`Review`); each read runs a fixed number of queries,
aggregating in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from hrperf.lib.roles import Roles
from reviews import scoring
from reviews.models import ApprovedResult, Review, ReviewCycle
from reviews.selectors.aggregates import (
    DEPARTMENT_COLUMNS,
    GRADES,
    DepartmentRef,
    average,
    department_ref,
    latest_results,
)
from reviews.selectors.visibility import visible_reviews

# Reviews whose total score counts in the dashboard's grades and averages.
SCORED_STATES = (Review.State.SCORED, Review.State.APPROVED)


BELOW_THRESHOLD_SHOWN = 20


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
            department=department_ref(row, prefix),
            count=row["count"],
            average=average(row["total"], row["count"]),
        )
        for row in reviews.filter(state__in=SCORED_STATES, total_score__isnull=False)
        .values(*(prefix + column for column in DEPARTMENT_COLUMNS))
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
