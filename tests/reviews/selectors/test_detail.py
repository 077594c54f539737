"""One review's detail (reviews.selectors.detail): the gap between the assessors."""

from __future__ import annotations

import pytest

from hrperf.lib.roles import roles_of
from reviews import selectors

pytestmark = pytest.mark.django_db


def test_assessor_gap_needs_both_complete(page_quarter, personas):
    review = page_quarter.reviews["E00002"]
    detail = selectors.review_detail(review=review, viewer_roles=roles_of(personas["hr"]))
    assert selectors.assessor_gap(assessors=detail.assessors) is None
