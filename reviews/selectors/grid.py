"""Reads of the rating grid: the reviews one assessor rates in a quarter, each with that
assessor's ratings and whether its self-assessment may be opened, and what each level 1–5 of
each competency looks like. A fixed number of queries however many rows.

Approved reviews are not rows of the grid: they are frozen (the workflow table's rating rows
allow every state but approved) and only the director's reopening brings one back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy

from departments.models import Competency
from hrperf.lib.roles import Roles
from reviews import workflow
from reviews.models import AssessorRole, CompetencyRating, Review, ReviewCycle
from reviews.selectors.reviews import reviews_needing
from reviews.selectors.visibility import visible_reviews

# The rows a page of the grid may show: 400 holds the largest department on one page.
PAGE_SIZES = (50, 100, 200, 400)
DEFAULT_PAGE_SIZE = 100
# The grid's states: every state a rating may still change in.
STATES = tuple(state for state in Review.State.values if state in workflow.NOT_APPROVED)
SUBMITTED_SELF_ASSESSMENT = "submitted"
# The general scale, for a competency whose level the catalogue does not describe (the same words
# as the self-assessment's).
LEVELS = (
    (1, gettext_lazy("Well below what is expected: rarely shows this behaviour.")),
    (2, gettext_lazy("Below what is expected: shows it now and then, with help.")),
    (3, gettext_lazy("Meets what is expected: shows it steadily in daily work.")),
    (4, gettext_lazy("Above what is expected: shows it even under pressure, helps others.")),
    (5, gettext_lazy("Far above what is expected: a model for others, improves how it is done.")),
)
_NEEDS_OF = {
    AssessorRole.HR.value: "hr_ratings",
    AssessorRole.MARKETING_DIRECTOR.value: "director_ratings",
}


def assessors_of(viewer_roles: Roles) -> list[str]:
    """The assessors the viewer rates as: the director as marketing director, HR as HR (both,
    for someone who holds both roles; the first is the one the review page uses)."""
    first = workflow.assessor_role_of(viewer_roles)
    others = [
        role
        for role, action in workflow.RATING_ACTIONS.items()
        if workflow.holds(action, viewer_roles) and role != first
    ]
    return ([first] if first else []) + others


@dataclass(frozen=True)
class Level:
    level: int
    text: str


@dataclass(frozen=True)
class Scale:
    """One competency and what each of its levels looks like."""

    code: str
    name: str
    levels: list[Level]


def competency_scales() -> list[Scale]:
    """Every competency in order, with the behaviour of each level 1–5 (the catalogue's text;
    the general scale where the catalogue gives none). Two queries."""
    scales = []
    for competency in Competency.objects.order_by("order").prefetch_related("levels"):
        own = {level.level: level.tr("text") for level in competency.levels.all()}
        scales.append(
            Scale(
                code=competency.code,
                name=competency.tr("text"),
                levels=[Level(level, own.get(level) or str(text)) for level, text in LEVELS],
            )
        )
    return scales


def competency_codes() -> list[str]:
    """The competencies' codes in order (one query)."""
    return list(Competency.objects.order_by("order").values_list("code", flat=True))


def grid_reviews(
    *,
    viewer_roles: Roles,
    cycle: ReviewCycle,
    assessor_role: str,
    department_id: int | None = None,
    unrated: bool = False,
    state: str | None = None,
    after_id: int | None = None,
) -> QuerySet[Review]:
    """The quarter's reviews that the assessor rates (all but approved ones), with employee and
    department loaded and the state of the self-assessment (`self_state`). `unrated` keeps those
    the assessor has not rated on every competency; `after_id` starts after that review (keyset
    pagination, by id). Unordered: `by_department` or `by_id` orders them."""
    reviews: QuerySet[Review] = (
        visible_reviews(viewer_roles=viewer_roles)
        .filter(cycle=cycle, state__in=STATES)
        .select_related("employee", "department")
        .annotate(self_state=F("self_assessment__state"))
    )
    if department_id is not None:
        reviews = reviews.filter(department_id=department_id)
    if state:
        reviews = reviews.filter(state=state)
    if unrated and assessor_role in _NEEDS_OF:
        reviews = reviews_needing(reviews, _NEEDS_OF[assessor_role])
    if after_id is not None:
        reviews = reviews.filter(pk__gt=after_id)
    return reviews


def by_department(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """The page's order: department, then employee number."""
    return reviews.order_by("department__seq", "employee__employee_no", "pk")


def by_id(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """The API's order (its keyset): by id."""
    return reviews.order_by("pk")


@dataclass
class GridRow:
    review: Review
    ratings: dict[str, int | None]  # the assessor's, by competency code (None: not rated)
    shows_self_assessment: bool  # whether the viewer may open the employee's self-assessment
    self_state: str | None = None
    extra: dict[str, object] = field(default_factory=dict)  # what a page adds (a refusal)

    @property
    def rated(self) -> bool:
        return all(value is not None for value in self.ratings.values())


def grid_rows(
    *, viewer_roles: Roles, reviews: Sequence[Review], assessor_role: str, codes: Sequence[str]
) -> list[GridRow]:
    """The rows of these reviews: the assessor's ratings (one query for all of them)."""
    ids = [review.pk for review in reviews]
    ratings: dict[int, dict[str, int]] = {}
    for review_id, code, value in CompetencyRating.objects.filter(
        review_id__in=ids, assessor_role=assessor_role
    ).values_list("review_id", "competency__code", "value"):
        ratings.setdefault(review_id, {})[code] = value
    drafts_too = not viewer_roles.is_director or viewer_roles.is_hr
    rows = []
    for review in reviews:
        own = ratings.get(review.pk, {})
        self_state = getattr(review, "self_state", None)
        rows.append(
            GridRow(
                review=review,
                ratings={code: own.get(code) for code in codes},
                self_state=self_state,
                shows_self_assessment=self_state == SUBMITTED_SELF_ASSESSMENT
                or (self_state is not None and drafts_too),
            )
        )
    return rows


def grid_counts(*, viewer_roles: Roles, cycle: ReviewCycle) -> dict[str, int]:
    """How many of the quarter's reviews the viewer sees are on the grid, and how many are
    left off as approved (one query)."""
    counts = (
        visible_reviews(viewer_roles=viewer_roles)
        .filter(cycle=cycle)
        .aggregate(
            approved=Count("pk", filter=Q(state=Review.State.APPROVED)),
            open=Count("pk", filter=~Q(state=Review.State.APPROVED)),
        )
    )
    return {name: int(value or 0) for name, value in counts.items()}
