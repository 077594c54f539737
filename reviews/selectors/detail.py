"""One review as its page and the API's detail show it: its lines with their achievement and
score, each assessor's ratings, what it lacks, the calculation step by step (from the scoring
rules, as the inputs stand) and its history, each only as far as the viewer may see it
(`visibility.PARTS`): what they may not see is left out here, for the page and the API alike."""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from departments.models import Competency
from hrperf.lib.bilingual import localized
from hrperf.lib.roles import Roles
from reviews import events, inputs, scoring
from reviews.messages import reason_text
from reviews.models import AssessorRole, AuditEvent, CompetencyRating, Review, ReviewKpiLine
from reviews.policies import policy_of, to_scoring
from reviews.selectors.visibility import Part, parts_seen


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
    rater: Any = None  # the User who rated, for pages to name (`hrperf.lib.people`)


@dataclass(frozen=True)
class AssessorDetail:
    assessor_role: str  # the staff assessors, then the employee themself (`self`)
    weight: Decimal
    ratings: list[RatingDetail]
    score: Decimal | None  # mean × 20, 2 places; None until the review is complete (always
    # None for an advisory assessor: their ratings do not enter the score)
    advisory: bool = False  # weight 0: shown beside the others, neither required nor counted

    @property
    def has_ratings(self) -> bool:
        return any(rating.value is not None for rating in self.ratings)


@dataclass(frozen=True)
class Reason:
    code: str
    message: str  # in words, naming KPIs and competencies in the active language
    field: str = "review"  # what lacks it: `lines.<KPI>.actual`, `ratings.<assessor>.<code>`


@dataclass(frozen=True)
class ReviewDetail:
    review: Review
    lines: list[LineDetail]
    assessors: list[AssessorDetail]
    missing: list[Reason]
    result: scoring.Result | None  # the calculation as the inputs stand, when complete
    steps: list[scoring.Step]
    history: list[AuditEvent]
    parts: frozenset[Part]  # what the viewer sees of it; the rest is left out
    # Relative grading (scoring.md v2): the grade is the bands' until the director locks the
    # review's group on the calibration page.
    grade_provisional: bool = False


def review_detail(*, review: Review, viewer_roles: Roles) -> ReviewDetail:
    """A review (already checked to be visible) with its lines, ratings, what is missing, the
    calculation step by step (from the scoring rules, as the inputs stand) and its history,
    without the parts the viewer may not see."""
    parts = parts_seen(viewer_roles=viewer_roles, review=review)
    return _only(_full_detail(review, parts), parts)


def _full_detail(review: Review, parts: frozenset[Part]) -> ReviewDetail:
    lines = list(review.kpi_lines.order_by("order", "pk"))
    competencies = list(Competency.objects.order_by("order"))
    ratings = list(
        CompetencyRating.objects.filter(review=review)
        .select_related("rated_by")
        .order_by("assessor_role", "competency__order")
    )
    policy = to_scoring(policy_of(review))
    result = _calculation(lines, ratings, competencies, policy)
    relative = policy.grading == scoring.RELATIVE
    provisional = (
        relative
        and bool(review.grade)
        and not review.grade_basis
        and review.state != Review.State.APPROVED
    )
    steps = scoring.explain(result) if result else []
    if result and (relative or review.grade_basis):
        steps.append(scoring.basis_step(result, review.grade_basis, provisional=provisional))
    return ReviewDetail(
        review=review,
        lines=_line_details(lines, result),
        assessors=_assessor_details(ratings, competencies, policy, result),
        missing=review_missing(review=review, lines=lines, competencies=competencies),
        result=result,
        steps=steps,
        grade_provisional=provisional,
        history=list(
            AuditEvent.objects.filter(review=review).select_related("actor").order_by("at", "pk")
        )
        if Part.HISTORY in parts
        else [],
        parts=parts,
    )


def _only(detail: ReviewDetail, parts: frozenset[Part]) -> ReviewDetail:
    """The detail without what `parts` leaves out."""
    figures = Part.FIGURES in parts
    return replace(
        detail,
        lines=detail.lines if figures else [],
        result=detail.result if figures and Part.RESULT in parts else None,
        steps=detail.steps if figures and Part.RESULT in parts else [],
        assessors=[_assessor_only(assessor, parts) for assessor in detail.assessors],
        missing=detail.missing if Part.MISSING in parts else [],
        history=[_event_only(event, parts) for event in detail.history]
        if Part.HISTORY in parts
        else [],
    )


def _assessor_only(assessor: AssessorDetail, parts: frozenset[Part]) -> AssessorDetail:
    if Part.RATINGS not in parts:
        return replace(assessor, ratings=[], score=None)
    if Part.COMMENTS in parts:
        return assessor
    return replace(assessor, ratings=[replace(rating, comment="") for rating in assessor.ratings])


def _event_only(event: AuditEvent, parts: frozenset[Part]) -> AuditEvent:
    """The event, without what a person wrote in it unless the viewer sees the reasons (an
    unsaved copy: the trail itself never changes)."""
    if Part.REASONS in parts or not events.reason_of(event):
        return event
    without = copy.copy(event)
    without.reason = ""
    return without


def _calculation(
    lines: list[ReviewKpiLine],
    ratings: list[CompetencyRating],
    competencies: list[Competency],
    policy: scoring.Policy,
) -> scoring.Result | None:
    """The result as the inputs stand; None while they are incomplete (or invalid)."""
    codes = {competency.pk: competency.code for competency in competencies}
    try:
        outcome = scoring.score(
            lines=inputs.scoring_lines(lines),
            ratings=inputs.scoring_ratings(ratings, codes),
            competencies=list(codes.values()),
            policy=policy,
        )
    except scoring.InvalidInput:
        return None
    return outcome if isinstance(outcome, scoring.Result) else None


def _line_details(lines: list[ReviewKpiLine], result: scoring.Result | None) -> list[LineDetail]:
    computed = {line.code: line for line in result.lines} if result else {}
    details = []
    for line in lines:
        found = computed.get(line.code)
        details.append(
            LineDetail(
                line=line,
                achievement=scoring.round2(found.achievement) if found else None,
                score=found.score_rounded if found else None,
                capped=found.capped if found else None,
                below_floor=found.below_floor if found else None,
            )
        )
    return details


def _assessor_details(
    ratings: list[CompetencyRating],
    competencies: list[Competency],
    policy: scoring.Policy,
    result: scoring.Result | None,
) -> list[AssessorDetail]:
    scores = result.assessor_scores if result else {}
    rated: dict[str, dict[int, CompetencyRating]] = defaultdict(dict)
    for rating in ratings:
        rated[rating.assessor_role][rating.competency_id] = rating
    return [
        AssessorDetail(
            assessor_role=role,
            weight=weight,
            ratings=[
                _rating_detail(competency, rated[role].get(competency.pk))
                for competency in competencies
            ],
            score=scores.get(role),
            advisory=policy.is_advisory(role),
        )
        for role, weight in policy.assessor_weights.items()
    ]


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
        rater=rating.rated_by,
    )


def review_missing(
    *,
    review: Review,
    lines: list[ReviewKpiLine] | None = None,
    competencies: list[Competency] | None = None,
) -> list[Reason]:
    """What the review lacks before it can be scored, each as a code, the field that lacks it
    and a sentence naming its KPI and competency in the active language (`lines` and
    `competencies` when already loaded)."""
    reasons = review.incomplete_reasons or []
    if not reasons:
        return []
    if lines is None:
        lines = list(review.kpi_lines.all())
    if competencies is None:
        competencies = list(Competency.objects.all())
    kpis = {line.code: localized(line, "name") for line in lines}
    texts = {competency.code: localized(competency, "text") for competency in competencies}
    missing = []
    for reason in reasons:
        code = str(reason.get("code", ""))
        params = {key: value for key, value in reason.items() if key != "code"}
        shown = dict(params)
        if "kpi" in shown:
            shown["kpi"] = kpis.get(str(shown["kpi"]), shown["kpi"])
        if "competency" in shown:
            shown["competency"] = texts.get(str(shown["competency"]), shown["competency"])
        missing.append(
            Reason(code=code, message=reason_text(code, shown), field=_missing_field(code, params))
        )
    return missing


_MISSING_FIGURE = {"target_missing": "target", "actual_missing": "actual"}


def _missing_field(code: str, params: dict[str, Any]) -> str:
    """The field a missing input belongs to, named as the API's writes name it."""
    if code in _MISSING_FIGURE and "kpi" in params:
        return f"lines.{params['kpi']}.{_MISSING_FIGURE[code]}"
    if code == "rating_missing" and {"assessor", "competency"} <= set(params):
        return f"ratings.{params['assessor']}.{params['competency']}"
    if code == "no_kpi_lines":
        return "lines"
    if code == "no_competencies":
        return "ratings"
    return "review"


ASSESSOR_GAP_LIMIT = Decimal(20)


def assessor_gap(*, assessors: list[AssessorDetail]) -> Decimal | None:
    """How far apart the assessors' competency scores are (each the mean of their ratings × 20,
    counted only when that assessor has rated every competency); None unless two have. The
    employee's own ratings are not an assessor's: they never count here."""
    scores = []
    for assessor in assessors:
        if assessor.assessor_role == AssessorRole.SELF:
            continue
        values = [rating.value for rating in assessor.ratings]
        if not values or any(value is None for value in values):
            continue
        scores.append(Decimal(sum(v for v in values if v is not None)) * 20 / len(values))
    if len(scores) < 2:
        return None
    return max(scores) - min(scores)
