"""Scoring a submitted review as the worker does (reviews.services.scores), called directly
(tests/reviews/test_tasks_worker.py runs it in a real worker process)."""

from decimal import Decimal

from reviews import services
from reviews.models import AuditEvent, Review, VerbalWarning
from tests.helpers.quarters import scored


def test_scoring_on_the_threshold_gives_grade_c_and_no_warning(fresh_quarter, personas):
    review = scored(personas)
    assert (review.state, review.kpi_score, review.competency_score, review.total_score) == (
        Review.State.SCORED,
        Decimal("60.00"),
        Decimal("60.00"),
        Decimal("60.00"),
    )
    assert (review.grade, review.pay_coefficient, review.verbal_warning) == (
        "C",
        Decimal("0.90"),
        False,
    )
    assert not VerbalWarning.objects.exists()


def test_scoring_below_the_threshold_creates_one_warning_however_often_it_runs(
    fresh_quarter, personas
):
    review = scored(personas, actual="40", director=2, hr=2)
    assert (review.total_score, review.grade, review.verbal_warning) == (
        Decimal("40.00"),
        "D",
        True,
    )
    assert not services.review_score(review_id=review.pk, revision=review.revision)
    services.reviews_score_batch(review_ids=[review.pk])
    assert VerbalWarning.objects.filter(review=review).count() == 1
    assert AuditEvent.objects.filter(review=review, action="scored").count() == 1
