"""A quarter of submitted reviews made in bulk, and what the tests of a quarter's jobs check of
it: every review scored once, each warning's notice handed out once; new employees for a
generate job."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count
from django.utils import timezone

from departments.models import Competency, Department, Employee
from kpis.models import Kpi
from reviews import services
from reviews.models import (
    AssessorRole,
    AuditEvent,
    CompetencyRating,
    Review,
    ReviewCycle,
    ReviewKpiLine,
    ScoringPolicy,
    VerbalWarning,
)
from tests.helpers.examples import create_catalogue_competencies, create_example_kpis

# -- a quarter of submitted reviews, made in bulk ------------------------------------------------


@dataclass
class SubmittedQuarter:
    cycle: ReviewCycle
    reviews: int


def build_submitted_quarter(
    *,
    hr: User,
    departments: dict[str, Department],
    per_department: int,
    period: str = "2026Q4",
    seed: int = 2026,
) -> SubmittedQuarter:
    """Employees in SALES and MARKET, each with a complete submitted review (every KPI line
    with target and actual, eight ratings) — some of them below the warning threshold."""
    create_example_kpis(departments)
    competencies: list[Competency] = create_catalogue_competencies()
    cycle = services.cycle_open(actor=hr, period=period)
    rng = random.Random(seed)
    now = timezone.now()
    chosen = [departments["SALES"], departments["MARKET"]]
    employees = Employee.objects.bulk_create(
        Employee(
            employee_no=f"{department.code[0]}{number:05d}",
            name=f"员工{department.code[0]}{number}",
            department=department,
        )
        for department in chosen
        for number in range(1, per_department + 1)
    )
    reviews = Review.objects.bulk_create(
        (
            Review(
                cycle=cycle,
                employee=employee,
                department_id=employee.department_id,
                state=Review.State.SUBMITTED,
                submitted_at=now,
                incomplete_reasons=[],
            )
            for employee in employees
        ),
        batch_size=2000,
    )
    kpis = {
        department.pk: list(Kpi.objects.filter(department=department).order_by("order"))
        for department in chosen
    }
    lines: list[ReviewKpiLine] = []
    ratings: list[CompetencyRating] = []
    for review in reviews:
        for kpi in kpis[review.department_id]:
            target = kpi.default_target if kpi.default_target is not None else Decimal(5_000_000)
            # Achievement from 30 % to 125 %: a spread of grades, some below the threshold.
            if kpi.direction == "higher":
                actual = target * rng.randint(30, 125) / 100
            else:
                actual = target * 100 / rng.randint(30, 125)
            lines.append(
                ReviewKpiLine(
                    review=review,
                    kpi=kpi,
                    order=kpi.order,
                    code=kpi.code,
                    name_zh=kpi.name_zh,
                    name_en=kpi.name_en,
                    direction=kpi.direction,
                    unit=kpi.unit,
                    target=target,
                    actual=actual.quantize(Decimal("0.0001")),
                    weight=kpi.default_weight,
                )
            )
        for role in (AssessorRole.MARKETING_DIRECTOR, AssessorRole.HR):
            ratings.extend(
                CompetencyRating(
                    review=review,
                    competency=competency,
                    assessor_role=role,
                    value=rng.randint(1, 5),
                )
                for competency in competencies
            )
    ReviewKpiLine.objects.bulk_create(lines, batch_size=5000)
    CompetencyRating.objects.bulk_create(ratings, batch_size=5000)
    return SubmittedQuarter(cycle=cycle, reviews=len(reviews))


def assert_scored_exactly_once(quarter: SubmittedQuarter) -> None:
    cycle = quarter.cycle
    reviews = Review.objects.filter(cycle=cycle)
    assert reviews.count() == quarter.reviews
    assert reviews.filter(state=Review.State.SCORED, total_score__isnull=False).count() == (
        quarter.reviews
    )
    assert not reviews.filter(scored_revision__isnull=True).exists()

    scored = AuditEvent.objects.filter(cycle=cycle, action="scored")
    assert scored.count() == quarter.reviews
    assert not scored.values("review").annotate(n=Count("id")).filter(n__gt=1).exists()

    warnings = VerbalWarning.objects.filter(review__cycle=cycle)
    assert not warnings.values("review").annotate(n=Count("id")).filter(n__gt=1).exists()
    threshold = ScoringPolicy.objects.get(cycle=cycle).warning_threshold
    below = reviews.filter(total_score__lt=threshold)
    assert below.exists() and below.count() < quarter.reviews, "the data should span the threshold"
    assert warnings.count() == below.count() == reviews.filter(verbal_warning=True).count()
    assert set(warnings.values_list("review_id", flat=True)) == set(
        below.values_list("pk", flat=True)
    )


class WorkerDied(Exception):
    """Stands for SIGKILL at an exact point of the work."""


class NoticeRecorder:
    """Stands in for queueing `notify_warnings`: records the warnings handed to it, or, while the
    worker is "dead", raises — as if the process died right after the scores committed."""

    def __init__(self) -> None:
        self.alive = True
        self.warning_ids: list[int] = []

    def __call__(self, args: tuple[list[int]], **options: Any) -> Any:
        if not self.alive:
            raise WorkerDied
        self.warning_ids.extend(args[0])


def unsent_warnings(cycle: ReviewCycle, notices: NoticeRecorder) -> list[int]:
    warnings = VerbalWarning.objects.filter(review__cycle=cycle).values_list("pk", flat=True)
    return sorted(set(warnings) - set(notices.warning_ids))


def new_employees(cycle: ReviewCycle, count: int) -> None:
    """`count` more active employees, in the department of the cycle's first review."""
    first = cycle.reviews.first()
    assert first is not None, "the cycle needs a review to take its department from"
    department = first.department
    Employee.objects.bulk_create(
        Employee(employee_no=f"N{number:05d}", name=f"新人{number}", department=department)
        for number in range(count)
    )
