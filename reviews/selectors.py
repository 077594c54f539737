"""Reads of cycles, reviews and warnings, each limited to what the viewer may see.

Who sees which review (the same rules for the pages and the API):

* HR and the marketing director: every review;
* a department head: the reviews of their own department, read-only;
* an employee: their own reviews once approved;
* anyone else: none.

Each read runs a fixed number of queries, however many rows it returns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from departments.models import Competency
from hrperf.lib.periods import clean_period
from hrperf.lib.roles import Roles
from reviews import scoring
from reviews.messages import reason_text
from reviews.models import (
    AssessorRole,
    AuditEvent,
    CompetencyRating,
    CycleJob,
    Review,
    ReviewCycle,
    ReviewKpiLine,
    ScoringPolicy,
    VerbalWarning,
)
from reviews.services import current_policy, policy_to_scoring

# -- who sees what ---------------------------------------------------------------------------


def visible_reviews(*, viewer_roles: Roles) -> QuerySet[Review]:
    """Every review the viewer may see. A head sees their department's reviews except their own,
    which they see as every employee does: once it is approved."""
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


# -- cycles ----------------------------------------------------------------------------------


def cycles_newest_first() -> list[ReviewCycle]:
    """Every quarter, newest first (one query): what the pages' quarter switchers offer."""
    return list(ReviewCycle.objects.order_by("-period"))


def cycle_get(*, period: str) -> ReviewCycle | None:
    return ReviewCycle.objects.filter(period=clean_period(period)).first()


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


# -- reviews ---------------------------------------------------------------------------------


def review_list(
    *,
    viewer_roles: Roles,
    cycle: ReviewCycle,
    department_id: int | None = None,
    state: str | None = None,
    grade: str | None = None,
    warning: bool | None = None,
    needs: str | None = None,
    after_id: int | None = None,
) -> QuerySet[Review]:
    """The quarter's reviews that the viewer sees, by id, with employee and department loaded.

    `warning` keeps the reviews whose score earns (True) or does not earn (False) a verbal
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


@dataclass(frozen=True)
class LineDetail:
    line: ReviewKpiLine
    achievement: Decimal | None  # percent, 2 places; None until the review is complete
    score: Decimal | None  # line score, 2 places
    capped: bool | None
    below_floor: bool | None


@dataclass(frozen=True)
class RatingDetail:
    competency: Competency
    value: int | None
    comment: str
    rated_by: str | None  # username
    rated_at: dt.datetime | None


@dataclass(frozen=True)
class AssessorDetail:
    assessor_role: str
    weight: Decimal
    ratings: list[RatingDetail]
    score: Decimal | None  # mean × 20, 2 places; None until the review is complete


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class ReviewDetail:
    review: Review
    lines: list[LineDetail]
    assessors: list[AssessorDetail]
    missing: list[Reason]
    result: scoring.Result | None  # the calculation as the inputs stand, when complete
    steps: list[scoring.Step]
    history: list[AuditEvent]


def _policy_for(review: Review) -> ScoringPolicy:
    """The policy a review is (or will be) scored with: its own once scored, else the cycle's."""
    if review.policy_id is not None and review.state in (
        Review.State.SCORED,
        Review.State.APPROVED,
    ):
        return ScoringPolicy.objects.get(pk=review.policy_id)
    return current_policy(review.cycle)


def review_detail(*, review: Review) -> ReviewDetail:
    """A review (already checked to be visible) with its lines, ratings, what is missing, the
    calculation step by step (from the scoring rules, as the inputs stand) and its history."""
    lines = list(review.kpi_lines.order_by("order", "pk"))
    competencies = list(Competency.objects.order_by("order"))
    ratings = list(
        CompetencyRating.objects.filter(review=review)
        .select_related("rated_by")
        .order_by("assessor_role", "competency__order")
    )
    policy = policy_to_scoring(_policy_for(review))
    by_code = {competency.pk: competency.code for competency in competencies}
    outcome: scoring.Result | scoring.Incomplete | None
    try:
        outcome = scoring.score(
            lines=[
                scoring.KpiLine(
                    code=line.code,
                    direction=scoring.Direction(line.direction),
                    target=line.target,
                    actual=line.actual,
                    weight=line.weight,
                )
                for line in lines
            ],
            ratings=[
                scoring.Rating(
                    assessor=rating.assessor_role,
                    competency=by_code[rating.competency_id],
                    value=rating.value,
                )
                for rating in ratings
            ],
            competencies=[competency.code for competency in competencies],
            policy=policy,
        )
    except scoring.InvalidInput:
        outcome = None
    result = outcome if isinstance(outcome, scoring.Result) else None
    line_results = {line.code: line for line in result.lines} if result else {}
    line_details = []
    for line in lines:
        computed = line_results.get(line.code)
        line_details.append(
            LineDetail(
                line=line,
                achievement=scoring.round2(computed.achievement) if computed else None,
                score=computed.score_rounded if computed else None,
                capped=computed.capped if computed else None,
                below_floor=computed.below_floor if computed else None,
            )
        )
    assessor_scores = result.assessor_scores if result else {}
    rated: dict[str, dict[int, CompetencyRating]] = defaultdict(dict)
    for rating in ratings:
        rated[rating.assessor_role][rating.competency_id] = rating
    assessors = [
        AssessorDetail(
            assessor_role=role,
            weight=weight,
            ratings=[
                _rating_detail(competency, rated[role].get(competency.pk))
                for competency in competencies
            ],
            score=assessor_scores.get(role),
        )
        for role, weight in policy.assessor_weights.items()
    ]
    return ReviewDetail(
        review=review,
        lines=line_details,
        assessors=assessors,
        missing=review_missing(review=review),
        result=result,
        steps=scoring.explain(result) if result else [],
        history=list(
            AuditEvent.objects.filter(review=review).select_related("actor").order_by("at", "pk")
        ),
    )


def _rating_detail(competency: Competency, rating: CompetencyRating | None) -> RatingDetail:
    if rating is None:
        return RatingDetail(
            competency=competency, value=None, comment="", rated_by=None, rated_at=None
        )
    return RatingDetail(
        competency=competency,
        value=rating.value,
        comment=rating.comment,
        rated_by=rating.rated_by.get_username() if rating.rated_by is not None else None,
        rated_at=rating.rated_at,
    )


def review_missing(*, review: Review) -> list[Reason]:
    """What the review lacks before it can be scored, each as a code and a sentence."""
    reasons = []
    for reason in review.incomplete_reasons or []:
        params = {key: value for key, value in reason.items() if key != "code"}
        reasons.append(Reason(code=reason["code"], message=reason_text(reason["code"], params)))
    return reasons


# -- warnings --------------------------------------------------------------------------------


def warning_list(
    *, viewer_roles: Roles, acknowledged: bool | None = None, before_id: int | None = None
) -> QuerySet[VerbalWarning]:
    """The verbal warnings the viewer may see (HR and the director: all; a head: their own
    department's, of the reviews they see: not their own before it is approved), newest first,
    with review, employee, department and cycle loaded; `before_id` starts after that warning
    (keyset pagination)."""
    if viewer_roles.sees_all_reviews:
        warnings = VerbalWarning.objects.all()
    elif viewer_roles.headed_department_id is not None:
        warnings = VerbalWarning.objects.filter(
            review__department_id=viewer_roles.headed_department_id,
            review__in=visible_reviews(viewer_roles=viewer_roles),
        )
    else:
        warnings = VerbalWarning.objects.none()
    if acknowledged is not None:
        warnings = warnings.filter(acknowledged_at__isnull=not acknowledged)
    if before_id is not None:
        warnings = warnings.filter(pk__lt=before_id)
    return warnings.select_related(
        "review__employee", "review__department", "review__cycle", "acknowledged_by"
    ).order_by("-pk")


def warning_get(*, viewer_roles: Roles, warning_id: int) -> VerbalWarning | None:
    return warning_list(viewer_roles=viewer_roles).filter(pk=warning_id).first()


# -- the review page -------------------------------------------------------------------------

ASSESSOR_GAP_LIMIT = Decimal(20)


def assessor_gap(*, assessors: list[AssessorDetail]) -> Decimal | None:
    """How far apart the assessors' competency scores are (each the mean of their ratings × 20,
    counted only when that assessor has rated every competency); None unless two have."""
    scores = []
    for assessor in assessors:
        values = [rating.value for rating in assessor.ratings]
        if not values or any(value is None for value in values):
            continue
        scores.append(Decimal(sum(v for v in values if v is not None)) * 20 / len(values))
    if len(scores) < 2:
        return None
    return max(scores) - min(scores)


def review_list_search(reviews: QuerySet[Review], text: str) -> QuerySet[Review]:
    """Narrow a review list to employees whose number or name contains `text`."""
    text = text.strip()
    if not text:
        return reviews
    return reviews.filter(
        Q(employee__employee_no__icontains=text) | Q(employee__name__icontains=text)
    )


# -- the quarter's page ----------------------------------------------------------------------


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


def cycle_kpi_choices(*, cycle: ReviewCycle) -> list[tuple[str, str, str]]:
    """The KPIs on the quarter's reviews: (code, Chinese name, English name), by code."""
    return list(
        ReviewKpiLine.objects.filter(review__cycle=cycle)
        .order_by("code")
        .values_list("code", "name_zh", "name_en")
        .distinct()
    )
