"""Generating a quarter's reviews: one for every active employee, with the KPI lines of their
department copied from the catalogue (so that later catalogue edits never rewrite a review)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from departments.models import Competency, Employee
from kpis.models import Kpi
from reviews import events, inputs, scoring
from reviews.models import AuditEvent, Review, ReviewCycle, ReviewKpiLine
from reviews.policies import current_policy, to_scoring
from reviews.services import generation_sql

BATCH = 5000


def employees_without_review(cycle: ReviewCycle) -> QuerySet[Employee]:
    return Employee.objects.filter(is_active=True).exclude(reviews__cycle=cycle).order_by("pk")


def reviews_generate_chunk(*, cycle_id: int, limit: int = 2000) -> int:
    """Create the reviews of up to `limit` active employees who have none in the cycle, each
    with its department's KPI lines copied from the catalogue. Returns how many were made;
    running it again after a crash creates nothing twice (cycle × employee is unique)."""
    made, _last = reviews_generate_next(cycle_id=cycle_id, limit=limit)
    return made


def reviews_generate_next(*, cycle_id: int, limit: int = 2000, after: int = 0) -> tuple[int, int]:
    """`reviews_generate_chunk` for the employees after id `after` (a runner's position, so that
    each chunk reads on from where its last one stopped, not from the first employee again):
    how many reviews were made, and the last employee id picked (0 if none)."""
    cycle = ReviewCycle.objects.get(pk=cycle_id)
    with transaction.atomic():
        employees = _pick(cycle, limit, after)
        return _generate(cycle, employees), (employees[-1][0] if employees else 0)


def _pick(cycle: ReviewCycle, limit: int, after: int) -> list[tuple[int, int]]:
    """The next `limit` employees after id `after` without a review (id, department), locked
    until the chunk commits; those another runner of the job holds are skipped (PostgreSQL:
    `FOR UPDATE SKIP LOCKED`), so that runners sharing a job never pick the same employee."""
    rows = employees_without_review(cycle).filter(pk__gt=after).values_list("pk", "department_id")
    return list(rows.select_for_update(skip_locked=True, of=("self",))[:limit])


def _generate(cycle: ReviewCycle, employees: list[tuple[int, int]]) -> int:
    if not employees:
        return 0
    department_ids = {department_id for _, department_id in employees}
    kpis = _catalogue_kpis(department_ids)
    competencies = list(Competency.objects.values_list("code", flat=True))
    policy = to_scoring(current_policy(cycle))
    reasons = {
        department_id: _missing(kpis[department_id], competencies, policy)
        for department_id in department_ids
    }
    lines = {
        department_id: [_line(kpi) for kpi in kpis[department_id]]
        for department_id in department_ids
    }
    if _set_based():
        return generation_sql.insert_chunk(
            review=Review(cycle_id=cycle.pk),
            employees=employees,
            reasons=reasons,
            lines=lines,
            # review_id is each new review's own: this event is only the template of the rest.
            event=events.review_created(cycle_id=cycle.pk, review_id=0, state=Review.State.DRAFT),
            now=timezone.now(),
        )
    return _insert_chunk(cycle, employees, reasons, lines)


def _set_based() -> bool:
    return connection.vendor == "postgresql"


def _insert_chunk(
    cycle: ReviewCycle,
    employees: list[tuple[int, int]],
    reasons: dict[int, list[dict[str, Any]]],
    lines: dict[int, list[ReviewKpiLine]],
) -> int:
    """The same rows through the ORM (databases other than PostgreSQL): the reviews, then a
    copy of each of their department's lines, then their events."""
    with transaction.atomic():
        reviews = Review.objects.bulk_create(
            Review(
                cycle_id=cycle.pk,
                employee_id=employee_id,
                department_id=department_id,
                incomplete_reasons=reasons[department_id],
            )
            for employee_id, department_id in employees
        )
        ReviewKpiLine.objects.bulk_create(
            (_copy(line, review.pk) for review in reviews for line in lines[review.department_id]),
            batch_size=BATCH,
        )
        AuditEvent.objects.bulk_create(
            (
                events.review_created(
                    cycle_id=cycle.pk, review_id=review.pk, state=Review.State.DRAFT
                )
                for review in reviews
            ),
            batch_size=BATCH,
        )
    return len(reviews)


def _catalogue_kpis(department_ids: Iterable[int]) -> dict[int, list[Kpi]]:
    """The active KPIs of each department, in their order."""
    kpis: dict[int, list[Kpi]] = defaultdict(list)
    for kpi in Kpi.objects.filter(department_id__in=department_ids, is_active=True).order_by(
        "order"
    ):
        kpis[kpi.department_id].append(kpi)
    return kpis


def _missing(
    kpis: list[Kpi], competencies: list[str], policy: scoring.Policy
) -> list[dict[str, Any]]:
    """What a new review lacks: it has its department's catalogue lines and no rating yet, so
    this is the same for every review of a department, known before the reviews are made."""
    return inputs.missing(
        [
            ReviewKpiLine(
                code=kpi.code,
                direction=kpi.direction,
                target=kpi.default_target,
                actual=None,
                weight=kpi.default_weight,
            )
            for kpi in kpis
        ],
        [],
        competencies,
        policy,
    )


def _line(kpi: Kpi) -> ReviewKpiLine:
    """The line a review gets for `kpi` (its review not yet set): the catalogue's as it
    stands."""
    return ReviewKpiLine(
        kpi_id=kpi.pk,
        order=kpi.order,
        code=kpi.code,
        name_zh=kpi.name_zh,
        name_en=kpi.name_en,
        direction=kpi.direction,
        unit=kpi.unit,
        target=kpi.default_target,
        actual=None,
        weight=kpi.default_weight,
        minimum=kpi.minimum,
        maximum=kpi.maximum,
    )


def _copy(line: ReviewKpiLine, review_id: int) -> ReviewKpiLine:
    return ReviewKpiLine(
        **{
            field.attname: getattr(line, field.attname)
            for field in ReviewKpiLine._meta.concrete_fields
            if not field.primary_key
        }
        | {"review_id": review_id}
    )
