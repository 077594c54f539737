"""Reads of a quarter's reviews, each limited to what the viewer may see
(`reviews.selectors.visibility`), each a fixed number of queries however many rows it gives."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from departments.models import Competency
from hrperf.lib.roles import Roles
from reviews.models import AssessorRole, CompetencyRating, Review, ReviewCycle
from reviews.selectors.visibility import visible_reviews


def review_list(
    *,
    viewer_roles: Roles,
    cycle: ReviewCycle,
    department_id: int | None = None,
    employee_no: str | None = None,
    state: str | None = None,
    grade: str | None = None,
    warning: bool | None = None,
    needs: str | None = None,
    after_id: int | None = None,
) -> QuerySet[Review]:
    """The quarter's reviews that the viewer sees, by id, with employee and department loaded.

    `employee_no` keeps the review of the employee with that number; `warning` keeps
    the reviews whose score earns (True) or does not earn (False) a verbal
    warning; `needs` keeps those still lacking something (see `NEEDS`); `after_id` starts
    after that review (keyset pagination)."""
    reviews = (
        visible_reviews(viewer_roles=viewer_roles)
        .filter(cycle=cycle)
        .select_related("employee", "department", "cycle")
        .order_by("pk")
    )
    if department_id is not None:
        reviews = reviews.filter(department_id=department_id)
    if employee_no:
        reviews = reviews.filter(employee__employee_no=employee_no.strip())
    if state:
        reviews = reviews.filter(state=state)
    if grade:
        reviews = reviews.filter(grade=grade)
    if warning is not None:
        reviews = reviews.filter(verbal_warning=warning)
    if needs:
        reviews = reviews_needing(reviews, needs)
    if after_id is not None:
        reviews = reviews.filter(pk__gt=after_id)
    return reviews


# What a review may still lack: its figures or ratings, nothing (ready to submit), or one
# assessor's ratings.
NEEDS = ("incomplete", "ready", "hr_ratings", "director_ratings")


_NEEDS_RATINGS_OF = {
    "hr_ratings": AssessorRole.HR,
    "director_ratings": AssessorRole.MARKETING_DIRECTOR,
}


def reviews_needing(reviews: QuerySet[Review], needs: str) -> QuerySet[Review]:
    """The reviews of `reviews` lacking what `needs` names (one of `NEEDS`)."""
    if needs == "incomplete":
        return reviews.exclude(incomplete_reasons=[])
    if needs == "ready":
        return reviews.filter(incomplete_reasons=[])
    role = _NEEDS_RATINGS_OF[needs]
    rated = (
        CompetencyRating.objects.filter(review=OuterRef("pk"), assessor_role=role)
        .values("review")
        .annotate(count=Count("pk"))
        .values("count")
    )
    competencies = Competency.objects.count()
    return reviews.annotate(rated=Coalesce(Subquery(rated), 0)).filter(rated__lt=competencies)


def review_get(*, viewer_roles: Roles, review_id: int) -> Review | None:
    """The review, if the viewer may see it."""
    return (
        visible_reviews(viewer_roles=viewer_roles)
        .select_related("cycle", "employee", "department")
        .filter(pk=review_id)
        .first()
    )


def reviews_by_ids(*, viewer_roles: Roles, review_ids: list[int]) -> dict[int, Review]:
    """The reviews among `review_ids` that the viewer may see, by id."""
    return {
        review.pk: review
        for review in visible_reviews(viewer_roles=viewer_roles)
        .filter(pk__in=review_ids)
        .select_related("cycle", "employee", "department")
    }


def review_line_ids(*, review: Review) -> dict[str, int]:
    """The review's KPI lines: KPI code → line id."""
    return dict(review.kpi_lines.values_list("code", "pk"))


def review_list_search(reviews: QuerySet[Review], text: str) -> QuerySet[Review]:
    """Narrow a review list to employees whose number or name contains `text`."""
    text = text.strip()
    if not text:
        return reviews
    return reviews.filter(
        Q(employee__employee_no__icontains=text) | Q(employee__name__icontains=text)
    )
