"""Who sees which review, and which parts of it: the one policy of the pages, the API, the
exports and the notifications.

Which reviews:

* HR and the marketing director: every review;
* a department head: the reviews of their own department, read-only, except their own;
* an employee (a head too): their own reviews once approved;
* a payroll client: the approved results of every review, through the payroll feed only;
* anyone else: none.

Which parts of a review each audience sees (`PARTS`): its result (totals, grade, pay
coefficient), its figures (the KPI lines and the calculation), the ratings and the comments
written with them, the history and the reasons people wrote in it (a return comment, a
reopening reason), the verbal warning and what the review still lacks.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet

from hrperf.lib.roles import Roles
from reviews.models import Review


class Part(StrEnum):
    RESULT = "result"  # total, K, C, grade, pay coefficient
    FIGURES = "figures"  # the KPI lines (targets, actuals, weights) and the calculation
    RATINGS = "ratings"  # each assessor's ratings
    COMMENTS = "comments"  # the comments written with the ratings
    HISTORY = "history"  # the audit trail: who did what when
    REASONS = "reasons"  # what people wrote in it: a return comment, a reopening reason
    WARNING = "warning"  # the verbal warning
    MISSING = "missing"  # what the review lacks before it can be scored


class Audience(StrEnum):
    HR = "hr"
    DIRECTOR = "director"
    HEAD = "head"  # a head reading a review of their department
    EMPLOYEE = "employee"  # an employee reading their own review
    PAYROLL = "payroll"  # a payroll client reading the feed
    OUTSIDER = "outsider"  # anyone the review is not visible to


EVERYTHING = frozenset(Part)
PARTS: dict[Audience, frozenset[Part]] = {
    Audience.HR: EVERYTHING,
    Audience.DIRECTOR: EVERYTHING,
    Audience.HEAD: EVERYTHING,
    # Their own approved review and the figures behind it: not how it got there.
    Audience.EMPLOYEE: frozenset(
        {Part.RESULT, Part.FIGURES, Part.RATINGS, Part.COMMENTS, Part.WARNING}
    ),
    Audience.PAYROLL: frozenset({Part.RESULT, Part.WARNING}),
    Audience.OUTSIDER: frozenset(),
}


def visible_reviews(*, viewer_roles: Roles) -> QuerySet[Review]:
    """Every review the viewer may see."""
    reviews = Review.objects.all()
    if viewer_roles.sees_all_reviews:
        return reviews
    condition: Q | None = None
    if viewer_roles.headed_department_id is not None:
        condition = Q(department_id=viewer_roles.headed_department_id)
        if viewer_roles.employee is not None:
            condition &= ~Q(employee_id=viewer_roles.employee.pk)
    if viewer_roles.employee is not None:
        own = Q(employee_id=viewer_roles.employee.pk, state=Review.State.APPROVED)
        condition = own if condition is None else condition | own
    return reviews.none() if condition is None else reviews.filter(condition)


def audience_of_roles(*, viewer_roles: Roles) -> Audience:
    """Whom the viewer is to the reviews they see, for what spans many of them (a list, an
    export, a notification)."""
    if viewer_roles.is_hr:
        return Audience.HR
    if viewer_roles.is_director:
        return Audience.DIRECTOR
    if viewer_roles.is_head:
        return Audience.HEAD
    if viewer_roles.employee is not None:
        return Audience.EMPLOYEE
    return Audience.OUTSIDER


def audience_of(*, viewer_roles: Roles, review: Review) -> Audience:
    """Whom the viewer is to this review (already checked to be visible to them)."""
    if viewer_roles.sees_all_reviews:
        return audience_of_roles(viewer_roles=viewer_roles)
    employee = viewer_roles.employee
    if employee is not None and review.employee_id == employee.pk:
        return Audience.EMPLOYEE if review.state == Review.State.APPROVED else Audience.OUTSIDER
    if viewer_roles.headed_department_id == review.department_id:
        return Audience.HEAD
    return Audience.OUTSIDER


def parts_seen(*, viewer_roles: Roles, review: Review) -> frozenset[Part]:
    """The parts of the review the viewer sees."""
    return PARTS[audience_of(viewer_roles=viewer_roles, review=review)]


def parts_of(*, viewer_roles: Roles) -> frozenset[Part]:
    """The parts of the reviews they see that the viewer sees, for what spans many of them."""
    return PARTS[audience_of_roles(viewer_roles=viewer_roles)]
