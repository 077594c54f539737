"""Helpers of the review services' tests, on the quarter of the `fresh_quarter` fixture
(tests/fixtures/quarters.py): 2026Q3 opened and its reviews generated, with the four short
competency codes and the one KPI of SALES."""

from __future__ import annotations

from reviews import services
from reviews.models import Review
from tests.helpers.api import SHORT_COMPETENCIES


def review_of(personas, name="employee") -> Review:
    return Review.objects.get(employee__user=personas[name])


def complete(
    personas, review: Review, actual: str, director: int, hr: int, reason_code: str = ""
) -> Review:
    """Fill in the review's one KPI line and both assessors' ratings (a scored review's change
    needs a `reason_code`)."""
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=personas["hr"],
        review=review,
        figures={line.pk: {"actual": actual}},
        reason_code=reason_code,
    )
    review = services.review_rate(
        actor=personas["director"],
        review=review,
        assessor_role="marketing_director",
        ratings=dict.fromkeys(SHORT_COMPETENCIES, director),
        reason_code=reason_code,
    )
    return services.review_rate(
        actor=personas["hr"],
        review=review,
        assessor_role="hr",
        ratings=dict.fromkeys(SHORT_COMPETENCIES, hr),
        reason_code=reason_code,
    )


def scored(personas, actual="60", director=3, hr=3, name="employee") -> Review:
    review = complete(personas, review_of(personas, name), actual, director, hr)
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return review
