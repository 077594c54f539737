"""A review's inputs (its KPI lines and competency ratings) in the scoring rules' terms, and what
it still lacks before it can be scored: the bridge from the models to `reviews.scoring`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from departments.models import Competency
from reviews import scoring
from reviews.models import CompetencyRating, Review, ReviewKpiLine


def scoring_lines(lines: Iterable[ReviewKpiLine]) -> list[scoring.KpiLine]:
    return [
        scoring.KpiLine(
            code=line.code,
            direction=scoring.Direction(line.direction),
            target=line.target,
            actual=line.actual,
            weight=line.weight,
        )
        for line in lines
    ]


def scoring_ratings(
    ratings: Iterable[CompetencyRating], codes: Mapping[int, str]
) -> list[scoring.Rating]:
    """The ratings; `codes` gives each competency's code by its id."""
    return [
        scoring.Rating(assessor=r.assessor_role, competency=codes[r.competency_id], value=r.value)
        for r in ratings
    ]


def competency_codes() -> dict[int, str]:
    """Every competency's code, by id, in the catalogue's order."""
    return dict(Competency.objects.order_by("order").values_list("pk", "code"))


def missing(
    lines: Sequence[ReviewKpiLine],
    ratings: Sequence[scoring.Rating],
    competencies: Sequence[str],
    policy: scoring.Policy,
) -> list[dict[str, Any]]:
    """What a review lacks, as stored on it (`Review.incomplete_reasons`): code and params."""
    return [
        {"code": m.code, **dict(m.params)}
        for m in scoring.missing_inputs(
            lines=scoring_lines(lines), ratings=ratings, competencies=competencies, policy=policy
        )
    ]


def reviews_missing(
    review_ids: Sequence[int], policy: scoring.Policy
) -> dict[int, list[dict[str, Any]]]:
    """What each review lacks as its lines and ratings stand now (three queries for all)."""
    lines: dict[int, list[ReviewKpiLine]] = defaultdict(list)
    for line in ReviewKpiLine.objects.filter(review_id__in=review_ids).order_by(
        "review_id", "order"
    ):
        lines[line.review_id].append(line)
    ratings: dict[int, list[CompetencyRating]] = defaultdict(list)
    for rating in CompetencyRating.objects.filter(review_id__in=review_ids):
        ratings[rating.review_id].append(rating)
    codes = competency_codes()
    return {
        review_id: missing(
            lines[review_id],
            scoring_ratings(ratings[review_id], codes),
            list(codes.values()),
            policy,
        )
        for review_id in review_ids
    }


def review_missing(review: Review, policy: scoring.Policy) -> list[dict[str, Any]]:
    """What the review lacks as its lines and ratings stand now (three queries)."""
    codes = competency_codes()
    return missing(
        list(review.kpi_lines.all()),
        scoring_ratings(review.ratings.all(), codes),
        list(codes.values()),
        policy,
    )
