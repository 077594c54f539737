"""Overdue work across the division, by department and kind (what the director and HR follow
up; a head sees their own department's, nobody else any): ratings and drafts past the rating
deadline, reviews not submitted or approved by the approval deadline, self-assessments missed,
appeals not answered in time, plan check-ins overdue, conversations not held, plans not judged.
A fixed number of queries, however many reviews there are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal
from calendars.selectors import local_date
from departments.models import Competency
from hrperf.lib.roles import Roles
from improvement import selectors as improvement
from improvement.models import Plan
from reviews.models import AssessorRole, Review, ReviewCycle
from reviews.selectors.aggregates import DEPARTMENT_COLUMNS, DepartmentRef, department_ref
from reviews.selectors.todos import REVIEW_LIST_URL, _rated, moment_of
from selfassessments.models import SelfAssessment

# What each kind of overdue work is called in the table, in the table's order.
OVERDUE_LABELS: dict[str, Any] = {
    "director_ratings": _("The director's ratings overdue"),
    "hr_ratings": _("HR's ratings overdue"),
    "incomplete": _("Drafts incomplete after the rating deadline"),
    "ready": _("Complete drafts not submitted by the approval deadline"),
    "returned": _("Returned reviews not submitted again by the approval deadline"),
    "reopened": _("Reopened reviews not submitted again by the approval deadline"),
    "to_approve": _("Approvals overdue"),
    "self_assess": _("Self-assessments missed"),
    "answer_appeal": _("Appeals not answered in time"),
    "hold_conversation": _("Conversations not held in time"),
    "check_in": _("Plan check-ins overdue"),
    "judge_plan": _("Plans ended and not judged"),
}
REVIEW_KINDS = (
    "director_ratings",
    "hr_ratings",
    "incomplete",
    "ready",
    "returned",
    "reopened",
    "to_approve",
    "self_assess",
)
# Which of the quarter's reviews each review kind lists (the review list's filters).
REVIEW_FILTERS: dict[str, dict[str, str]] = {
    "director_ratings": {"state": Review.State.DRAFT, "needs": "director_ratings"},
    "hr_ratings": {"state": Review.State.DRAFT, "needs": "hr_ratings"},
    "incomplete": {"state": Review.State.DRAFT, "needs": "incomplete"},
    "ready": {"state": Review.State.DRAFT, "needs": "ready"},
    "returned": {"state": Review.State.RETURNED},
    "reopened": {"state": Review.State.REOPENED},
    "to_approve": {"state": Review.State.SCORED},
    "self_assess": {},
}
APPEALS_URL = "/appeals/"  # the page `appeals:list`
PLANS_URL = improvement.PLANS_URL
WARNINGS_URL = improvement.WARNINGS_URL


@dataclass(frozen=True)
class OverdueRow:
    department: DepartmentRef
    kind: str
    count: int
    url: str  # where this work is seen
    period: str | None = None  # the quarter, for the work of one quarter

    @property
    def label(self) -> str:
        return str(OVERDUE_LABELS[self.kind])


def sees_overdue(viewer_roles: Roles) -> bool:
    """HR and the director see the whole division's; a head their department's."""
    return viewer_roles.sees_all_reviews or viewer_roles.is_head


def overdue_work(*, viewer_roles: Roles, today: dt.date | None = None) -> list[OverdueRow]:
    """The overdue work the viewer follows up, by department (the catalogue's order) and kind
    (the table's order). Six queries; none for someone who sees none."""
    if not sees_overdue(viewer_roles):
        return []
    today = today or local_date(timezone.now())
    rows = [
        *_review_rows(viewer_roles, today),
        *_appeal_rows(viewer_roles, today),
        *_conversation_rows(viewer_roles, today),
        *_plan_rows(viewer_roles, today),
    ]
    order = list(OVERDUE_LABELS)
    return sorted(
        rows,
        key=lambda row: (
            row.department.seq,
            row.department.code,
            order.index(row.kind),
            row.period or "",
        ),
    )


def _in_scope(queryset: QuerySet[Any], viewer_roles: Roles, prefix: str) -> Any:
    """All of it for HR and the director; a head's department's, but not about themself (on
    their own review a head is an employee)."""
    if viewer_roles.sees_all_reviews:
        return queryset
    employee_id = viewer_roles.employee.pk if viewer_roles.employee else None
    return queryset.filter(**{f"{prefix}department_id": viewer_roles.headed_department_id}).exclude(
        **{f"{prefix}employee_id": employee_id}
    )


def _department_columns(prefix: str) -> list[str]:
    return [f"{prefix}department__{column}" for column in DEPARTMENT_COLUMNS]


def _review_rows(viewer_roles: Roles, today: dt.date) -> list[OverdueRow]:
    competencies = Competency.objects.count()
    rating_past = Q(cycle__deadlines__rating_due__lt=today)
    approval_past = Q(cycle__deadlines__approval_due__lt=today)
    draft = Q(state=Review.State.DRAFT)
    submitted = SelfAssessment.objects.filter(
        review_id=OuterRef("pk"), state=SelfAssessment.State.SUBMITTED
    )
    counts = {
        "director_ratings": Count(
            "pk", filter=draft & rating_past & Q(director_rated__lt=competencies)
        ),
        "hr_ratings": Count("pk", filter=draft & rating_past & Q(hr_rated__lt=competencies)),
        "incomplete": Count("pk", filter=draft & rating_past & ~Q(incomplete_reasons=[])),
        "ready": Count("pk", filter=draft & approval_past & Q(incomplete_reasons=[])),
        "returned": Count("pk", filter=approval_past & Q(state=Review.State.RETURNED)),
        "reopened": Count("pk", filter=approval_past & Q(state=Review.State.REOPENED)),
        "to_approve": Count("pk", filter=approval_past & Q(state=Review.State.SCORED)),
        "self_assess": Count(
            "pk",
            filter=Q(cycle__deadlines__self_assessment_due__lt=today) & Q(self_assessed=False),
        ),
    }
    reviews = _in_scope(
        Review.objects.filter(cycle__status=ReviewCycle.Status.OPEN), viewer_roles, ""
    )
    grouped = (
        reviews.annotate(
            director_rated=_rated(AssessorRole.MARKETING_DIRECTOR),
            hr_rated=_rated(AssessorRole.HR),
            self_assessed=Exists(submitted),
        )
        .values("cycle__period", *_department_columns(""))
        .annotate(**counts)
        .order_by()
    )
    found = []
    for row in grouped:
        department = department_ref(row, "department__")
        period = row["cycle__period"]
        for kind in REVIEW_KINDS:
            if row[kind]:
                query = {"department": department.id, **REVIEW_FILTERS[kind]}
                url = REVIEW_LIST_URL.format(period=period) + "?" + urlencode(query)
                found.append(OverdueRow(department, kind, row[kind], url, period))
    return found


def _appeal_rows(viewer_roles: Roles, today: dt.date) -> list[OverdueRow]:
    late = _in_scope(
        Appeal.objects.filter(status=Appeal.Status.FILED, answer_due__lt=today),
        viewer_roles,
        "review__",
    )
    grouped = (
        late.values("review__cycle__period", *_department_columns("review__"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        OverdueRow(
            department_ref(row, "review__department__"),
            "answer_appeal",
            row["n"],
            APPEALS_URL
            + "?"
            + urlencode({"status": Appeal.Status.FILED, "period": row["review__cycle__period"]}),
            row["review__cycle__period"],
        )
        for row in grouped
    ]


def _grouped(queryset: QuerySet[Any], count: Count) -> Iterable[dict[str, Any]]:
    return queryset.values(*_department_columns("review__")).annotate(n=count).order_by()


def _conversation_rows(viewer_roles: Roles, today: dt.date) -> list[OverdueRow]:
    # Due `CONVERSATION_WITHIN` after the warning's day: overdue once that day has passed.
    warned_before = moment_of(today - improvement.CONVERSATION_WITHIN)
    late = _in_scope(
        improvement.conversations_to_hold(viewer_roles).filter(created_at__lt=warned_before),
        viewer_roles,
        "review__",
    )
    return [
        OverdueRow(
            department_ref(row, "review__department__"), "hold_conversation", row["n"], WARNINGS_URL
        )
        for row in _grouped(late, Count("review_id", distinct=True))
    ]


def _plan_rows(viewer_roles: Roles, today: dt.date) -> list[OverdueRow]:
    check_ins = _in_scope(
        improvement.check_ins_due(viewer_roles, today - dt.timedelta(days=1)),
        viewer_roles,
        "review__",
    )
    ended = _in_scope(
        Plan.objects.filter(closed_at__isnull=True, ends_on__lt=today), viewer_roles, "review__"
    )
    found = []
    for kind, plans in (("check_in", check_ins), ("judge_plan", ended)):
        found += [
            OverdueRow(department_ref(row, "review__department__"), kind, row["n"], PLANS_URL)
            for row in _grouped(plans, Count("pk", distinct=True))
        ]
    return found
