"""Who sees which review (the same rules for the pages and the API):

* HR and the marketing director: every review;
* a department head: the reviews of their own department, read-only, except their own;
* an employee (a head too): their own reviews once approved;
* anyone else: none.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hrperf.lib.roles import Roles
from reviews.models import Review


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
