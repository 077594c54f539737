"""Scoring a review with the employee's own ratings (scoring.md v2, advisory assessors) through
the services, as the worker does: advisory by default, weighted when the quarter says so."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from departments.models import Competency
from hrperf.lib.errors import ValidationFailed
from reviews import services
from reviews.models import ApprovedResult, CompetencyRating, Review
from tests.helpers.examples import COMPETENCY_CODES, WORKED_EXAMPLES, fill_in

pytestmark = pytest.mark.django_db

EXAMPLE_1 = WORKED_EXAMPLES[0]


def self_rate(personas, review: Review, value: int = 5) -> Review:
    """The employee's own ratings, written as the self-assessment writes them on submission."""
    with transaction.atomic():
        CompetencyRating.objects.bulk_create(
            CompetencyRating(
                review=review,
                competency=competency,
                assessor_role="self",
                rated_by=personas["employee"],
                value=value,
            )
            for competency in Competency.objects.filter(code__in=COMPETENCY_CODES)
        )
        services.review_inputs_changed(review=review, actor=personas["employee"], changed=[])
    review.refresh_from_db()
    return review


def set_self_weight(personas, review: Review, weight: str) -> None:
    services.cycle_policy_update(
        actor=personas["hr"], cycle=review.cycle, values={"self_weight": weight}
    )


def submit_and_score(personas, review: Review) -> Review:
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return review


def figures(review: Review) -> tuple[Decimal | None, ...]:
    return (review.kpi_score, review.competency_score, review.total_score)


def self_missing(review: Review) -> list[str]:
    return [
        reason["competency"]
        for reason in review.incomplete_reasons
        if reason.get("assessor") == "self"
    ]


def test_an_advisory_self_assessment_leaves_example_1_as_it_was(page_quarter, personas):
    review = fill_in(personas, page_quarter.reviews["E00002"], EXAMPLE_1)
    assert review.incomplete_reasons == []  # the self-assessment is not required
    review = submit_and_score(personas, self_rate(personas, review))
    assert figures(review) == (Decimal("95.55"), Decimal("78.00"), Decimal("92.04"))
    assert (review.grade, review.pay_coefficient) == ("A", Decimal("1.10"))


def test_a_self_assessment_weighted_20_scores_example_1_at_92_77(page_quarter, personas):
    review = page_quarter.reviews["E00002"]
    set_self_weight(personas, review, "20")
    review = fill_in(personas, review, EXAMPLE_1)
    assert self_missing(review) == list(COMPETENCY_CODES)
    assert [reason["code"] for reason in review.incomplete_reasons] == ["rating_missing"] * 4

    review = submit_and_score(personas, self_rate(personas, review))
    assert figures(review) == (Decimal("95.55"), Decimal("81.67"), Decimal("92.77"))
    assert (review.grade, review.pay_coefficient, review.verbal_warning) == (
        "A",
        Decimal("1.10"),
        False,
    )


def test_a_weighted_self_assessment_blocks_submission_until_given(page_quarter, personas):
    review = page_quarter.reviews["E00002"]
    set_self_weight(personas, review, "20")
    review = fill_in(personas, review, EXAMPLE_1)
    with pytest.raises(ValidationFailed) as refused:
        services.review_submit(actor=personas["hr"], review=review)
    assert [(e.field, e.code) for e in refused.value.errors][:2] == [
        ("review", "incomplete"),
        (f"ratings.self.{COMPETENCY_CODES[0]}", "rating_missing"),
    ]


def test_changing_the_self_weight_updates_what_drafts_lack(page_quarter, personas):
    review = fill_in(personas, page_quarter.reviews["E00002"], EXAMPLE_1)
    assert review.incomplete_reasons == []
    set_self_weight(personas, review, "20")
    review.refresh_from_db()
    assert self_missing(review) == list(COMPETENCY_CODES)
    set_self_weight(personas, review, "0")
    review.refresh_from_db()
    assert review.incomplete_reasons == []


def test_the_approved_result_keeps_the_self_ratings(page_quarter, personas):
    review = page_quarter.reviews["E00002"]
    set_self_weight(personas, review, "20")
    review = submit_and_score(personas, self_rate(personas, fill_in(personas, review, EXAMPLE_1)))
    services.review_approve(actor=personas["director"], review=review)
    result = ApprovedResult.objects.get(review=review)
    assert result.total_score == Decimal("92.77")
    own = [r for r in result.snapshot["ratings"] if r["assessor"] == "self"]
    assert [(r["competency"], r["value"]) for r in own] == [(c, 5) for c in COMPETENCY_CODES]
