"""One review's detail (reviews.selectors.detail): the gap between the assessors, and the
employee's own ratings beside theirs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from departments.models import Competency
from hrperf.lib.roles import roles_of
from reviews import selectors
from reviews.models import CompetencyRating
from tests.helpers.pages import complete_example

pytestmark = pytest.mark.django_db


def test_assessor_gap_needs_both_complete(page_quarter, personas):
    review = page_quarter.reviews["E00002"]
    detail = selectors.review_detail(review=review, viewer_roles=roles_of(personas["hr"]))
    assert selectors.assessor_gap(assessors=detail.assessors) is None


def _with_self_ratings(review, value):
    CompetencyRating.objects.bulk_create(
        CompetencyRating(review=review, competency=c, assessor_role="self", value=value)
        for c in Competency.objects.all()
    )


def test_the_employees_own_ratings_follow_the_assessors_as_advisory(page_quarter, personas):
    review = complete_example(personas, page_quarter.reviews["E00002"])
    _with_self_ratings(review, 5)
    detail = selectors.review_detail(review=review, viewer_roles=roles_of(personas["hr"]))
    roles = [(a.assessor_role, a.advisory, a.score) for a in detail.assessors]
    assert roles == [
        ("marketing_director", False, Decimal("80.00")),
        ("hr", False, Decimal("75.00")),
        ("self", True, None),
    ]
    assert detail.assessors[2].has_ratings
    assert detail.result is not None and detail.result.competency_score == Decimal("78.00")


def test_the_employees_own_ratings_are_no_assessors_gap(page_quarter, personas):
    review = complete_example(personas, page_quarter.reviews["E00002"])  # 80 and 75
    _with_self_ratings(review, 1)  # 20
    detail = selectors.review_detail(review=review, viewer_roles=roles_of(personas["hr"]))
    assert selectors.assessor_gap(assessors=detail.assessors) == Decimal(5)


def test_a_viewer_without_the_ratings_sees_no_self_ratings_either(page_quarter, personas):
    review = complete_example(personas, page_quarter.reviews["E00002"])
    _with_self_ratings(review, 4)
    roles = roles_of(personas["hr"])
    detail = selectors.review_detail(review=review, viewer_roles=roles)
    without = selectors.detail._only(detail, frozenset())
    assert all(a.ratings == [] for a in without.assessors)
