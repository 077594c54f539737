"""What may be printed, by whom, and the print jobs a viewer sees.

The forms of a job are the reviews the requester sees (`reviews.selectors.visibility`, the
rule of the print page): HR and the director every review of the quarter, a head the reviews
of their department but their own. A job, and its PDF, is seen by HR and the director (every
form in it is one they see) and by the head who asked for it, while they still head that
department; never by anyone else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from departments.models import Department
from hrperf.lib.roles import Roles
from printouts.models import PrintJob
from reviews import workflow
from reviews.models import Review, ReviewCycle
from reviews.selectors.visibility import visible_reviews
from reviews.workflow import Action

RECENT = 10


def may_print(*, viewer_roles: Roles) -> bool:
    return workflow.holds(Action.PRINT_FORMS, viewer_roles)


def printable_reviews(
    *, viewer_roles: Roles, cycle: ReviewCycle, department: Department | None
) -> QuerySet[Review]:
    """The quarter's reviews (of the department, when given) the viewer may print."""
    if not may_print(viewer_roles=viewer_roles):
        return Review.objects.none()
    reviews = visible_reviews(viewer_roles=viewer_roles).filter(cycle=cycle)
    if department is not None:
        reviews = reviews.filter(department=department)
    return reviews


def print_order(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Forms in print order: by department (its catalogue order), then employee number."""
    return reviews.order_by("department__seq", "department__code", "employee__employee_no", "pk")


def print_choices(*, viewer_roles: Roles, cycle: ReviewCycle) -> list[dict[str, Any]]:
    """What the viewer may print of the quarter, with the number of forms: the whole quarter
    (HR and the director), then each department with forms. One query."""
    if not may_print(viewer_roles=viewer_roles):
        return []
    rows = (
        printable_reviews(viewer_roles=viewer_roles, cycle=cycle, department=None)
        .values("department__code", "department__name_zh", "department__name_en", "department__seq")
        .annotate(forms=Count("pk"))
        .order_by("department__seq", "department__code")
    )
    choices: list[dict[str, Any]] = [
        {
            "code": row["department__code"],
            "name_zh": row["department__name_zh"],
            "name_en": row["department__name_en"],
            "forms": row["forms"],
        }
        for row in rows
    ]
    if viewer_roles.sees_all_reviews and choices:
        choices.insert(
            0,
            {"code": "", "name_zh": "", "name_en": "", "forms": sum(c["forms"] for c in choices)},
        )
    return choices


def _visible_jobs(*, viewer_roles: Roles, user: Any) -> QuerySet[PrintJob]:
    jobs = PrintJob.objects.select_related("cycle", "department", "requested_by")
    if viewer_roles.sees_all_reviews:
        return jobs
    if viewer_roles.is_head and viewer_roles.headed_department_id is not None:
        return jobs.filter(
            Q(requested_by=user) & Q(department_id=viewer_roles.headed_department_id)
        )
    return jobs.none()


def printjob_get(
    *, viewer_roles: Roles, user: Any, cycle: ReviewCycle, job_id: int
) -> PrintJob | None:
    """A print job of the quarter, if the viewer sees it."""
    return (
        _visible_jobs(viewer_roles=viewer_roles, user=user).filter(cycle=cycle, pk=job_id).first()
    )


def printjobs_recent(*, viewer_roles: Roles, user: Any, cycle: ReviewCycle) -> list[PrintJob]:
    """The quarter's latest print jobs the viewer sees, newest first."""
    return list(
        _visible_jobs(viewer_roles=viewer_roles, user=user)
        .filter(cycle=cycle)
        .order_by("-created_at", "-pk")[:RECENT]
    )
