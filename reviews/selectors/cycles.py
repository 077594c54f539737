"""Reads of quarters: the list, one with its policy and its reviews counted by state, what
keeps one from closing and its own history, its background jobs (HR's work, seen by HR only)
and the KPI lines of its figures template."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery

from appeals.models import Appeal
from hrperf.lib.periods import clean_period, is_period
from hrperf.lib.roles import Roles
from reviews.events import QUARTER_ACTIONS
from reviews.models import (
    AuditEvent,
    CycleJob,
    Review,
    ReviewCycle,
    ReviewKpiLine,
    ScoringPolicy,
)
from reviews.selectors.visibility import visible_reviews


def cycles_newest_first() -> list[ReviewCycle]:
    """Every quarter, newest first (one query): what the pages' quarter switchers offer."""
    return list(ReviewCycle.objects.order_by("-period"))


def cycle_get(*, period: str) -> ReviewCycle | None:
    """The quarter of a period as typed (spaces, a lower-case q); None when there is none, and
    without a query when the text is no period."""
    period = clean_period(period)
    if not is_period(period):
        return None
    return ReviewCycle.objects.filter(period=period).first()


@dataclass(frozen=True)
class CycleDetail:
    cycle: ReviewCycle
    policy: ScoringPolicy  # the current version
    review_counts: dict[str, int]  # by state, of the reviews the viewer sees


def cycle_details(
    *, viewer_roles: Roles, cycles: QuerySet[ReviewCycle] | None = None
) -> list[CycleDetail]:
    """The quarters (all unless `cycles` says which), newest first, each with its current
    scoring policy and the count of the reviews the viewer sees by state. Three queries."""
    chosen = list(
        (ReviewCycle.objects.all() if cycles is None else cycles)
        .order_by("-period")
        .prefetch_related(
            Prefetch(
                "policies",
                queryset=ScoringPolicy.objects.order_by("-version"),
                to_attr="policy_versions",
            )
        )
    )
    counts: dict[int, dict[str, int]] = {
        cycle.pk: dict.fromkeys(Review.State.values, 0) for cycle in chosen
    }
    for cycle_id, state, count in (
        visible_reviews(viewer_roles=viewer_roles)
        .filter(cycle__in=[cycle.pk for cycle in chosen])
        .order_by()
        .values_list("cycle_id", "state")
        .annotate(count=Count("pk"))
    ):
        counts[cycle_id][state] = count
    return [
        CycleDetail(
            cycle=cycle,
            policy=cycle.policy_versions[0],
            review_counts=counts[cycle.pk],
        )
        for cycle in chosen
    ]


def cycle_detail(*, viewer_roles: Roles, cycle: ReviewCycle) -> CycleDetail:
    """One quarter with its current scoring policy and its (visible) reviews by state."""
    return cycle_details(viewer_roles=viewer_roles, cycles=ReviewCycle.objects.filter(pk=cycle.pk))[
        0
    ]


def job_get(*, viewer_roles: Roles, cycle: ReviewCycle, job_id: int) -> CycleJob | None:
    """A background job of the quarter: HR's work, seen by HR only."""
    if not viewer_roles.is_hr:
        return None
    return CycleJob.objects.filter(cycle=cycle, pk=job_id).first()


def cycle_latest_job(*, viewer_roles: Roles, cycle: ReviewCycle) -> CycleJob | None:
    """The quarter's most recent background job: HR's work, seen by HR only."""
    if not viewer_roles.is_hr:
        return None
    return CycleJob.objects.filter(cycle=cycle).order_by("-created_at", "-pk").first()


def cycle_figure_lines(*, viewer_roles: Roles, cycle: ReviewCycle) -> QuerySet[ReviewKpiLine]:
    """Every KPI line of the quarter's reviews that the viewer sees, by employee number and
    line order, with review, employee and department loaded (the figures template)."""
    return (
        ReviewKpiLine.objects.filter(
            review__in=visible_reviews(viewer_roles=viewer_roles).filter(cycle=cycle)
        )
        .select_related("review__employee", "review__department")
        .order_by("review__employee__employee_no", "order", "pk")
    )


# The cells of a figures template row, as `cycle_figure_rows` gives them.
FIGURE_ROW_FIELDS = (
    "review__employee__employee_no",
    "review__employee__name",
    "review__department__name_zh",
    "review__department__name_en",
    "code",
    "name_zh",
    "name_en",
    "unit",
    "target",
    "actual",
)


def cycle_figure_rows(
    *, viewer_roles: Roles, cycle: ReviewCycle, chunk_size: int = 5000
) -> Iterator[tuple[Any, ...]]:
    """`cycle_figure_lines` as tuples of `FIGURE_ROW_FIELDS`, read a chunk at a time (a
    server-side cursor on PostgreSQL): the figures template of a quarter of any size."""
    return (
        cycle_figure_lines(viewer_roles=viewer_roles, cycle=cycle)
        .values_list(*FIGURE_ROW_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


@dataclass(frozen=True)
class KpiChoice:
    """A KPI on the quarter's reviews of one department, for the targets form."""

    code: str
    name_zh: str
    name_en: str
    department_id: int
    department_zh: str
    department_en: str


def cycle_kpi_choices(*, cycle: ReviewCycle) -> list[KpiChoice]:
    """The KPIs on the quarter's reviews, by department (in the catalogue's order), then by the
    KPI's order in its department and code: one query."""
    rows = (
        ReviewKpiLine.objects.filter(review__cycle=cycle)
        .order_by("review__department__seq", "review__department_id", "order", "code")
        .values_list(
            "code",
            "name_zh",
            "name_en",
            "review__department_id",
            "review__department__name_zh",
            "review__department__name_en",
            "review__department__seq",
            "order",
        )
        .distinct()
    )
    seen: set[tuple[int, str]] = set()
    choices = []
    for code, name_zh, name_en, department_id, department_zh, department_en, _seq, _order in rows:
        if (department_id, code) in seen:
            continue  # the same KPI at another place on some review
        seen.add((department_id, code))
        choices.append(
            KpiChoice(code, name_zh, name_en, department_id, department_zh, department_en)
        )
    return choices


@dataclass(frozen=True)
class CloseBlockers:
    """What keeps a quarter from closing: its reviews not approved, the appeals of its
    results that wait for HR's answer, and its background jobs still running."""

    not_approved: int
    open_appeals: int
    jobs_running: int

    @property
    def any(self) -> bool:
        return bool(self.not_approved or self.open_appeals or self.jobs_running)


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(
        queryset.order_by().values("cycle_ref").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def cycle_close_blockers(*, cycle_id: int) -> CloseBlockers:
    """What keeps the quarter from closing, counted over all its reviews (HR's and the
    director's question, not filtered by viewer). One query."""
    counts = (
        ReviewCycle.objects.filter(pk=cycle_id)
        .annotate(
            not_approved=_count(
                Review.objects.filter(cycle_id=OuterRef("pk"))
                .exclude(state=Review.State.APPROVED)
                .annotate(cycle_ref=F("cycle_id"))
            ),
            open_appeals=_count(
                Appeal.objects.filter(
                    review__cycle_id=OuterRef("pk"), status=Appeal.Status.FILED
                ).annotate(cycle_ref=F("review__cycle_id"))
            ),
            jobs_running=_count(
                CycleJob.objects.filter(
                    cycle_id=OuterRef("pk"),
                    status__in=[CycleJob.Status.QUEUED, CycleJob.Status.RUNNING],
                ).annotate(cycle_ref=F("cycle_id"))
            ),
        )
        .values("not_approved", "open_appeals", "jobs_running")
        .get()
    )
    return CloseBlockers(**{name: value or 0 for name, value in counts.items()})


def cycle_history(*, cycle: ReviewCycle) -> list[AuditEvent]:
    """The quarter's own events (opened, closed, reopened), oldest first. One query."""
    return list(
        AuditEvent.objects.filter(cycle=cycle, review__isnull=True, action__in=QUARTER_ACTIONS)
        .select_related("actor", "cycle")
        .order_by("at", "pk")
    )
