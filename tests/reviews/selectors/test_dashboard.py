"""The dashboard's reads (reviews.selectors.dashboard): exact averages, completion."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reviews import scoring
from reviews.models import Review
from reviews.selectors import dashboard as at_a_glance
from tests.helpers.pages import EXAMPLES, approve

pytestmark = pytest.mark.django_db


def test_a_department_average_is_exact(page_quarter, personas):
    """Two reviews in SALES: the average is their sum divided by two, rounded half up."""
    approve(personas, page_quarter.reviews["E00002"])
    head = page_quarter.reviews["E00001"]
    Review.objects.filter(pk=head.pk).update(
        state=Review.State.SCORED, total_score=Decimal("60.01"), grade="C"
    )
    overview = at_a_glance.cycle_overview(
        viewer_roles=_roles(personas["hr"]), cycle=page_quarter.cycle
    )
    sales = next(row for row in overview.department_averages if row.department.code == "SALES")
    assert sales.count == 2
    assert sales.average == scoring.round2((EXAMPLES["E00002"].total_score + Decimal("60.01")) / 2)


def _roles(user):
    from hrperf.lib.roles import roles_of

    return roles_of(user)


def test_completion_is_a_percentage_of_approved_reviews():
    def overview(approved: int, total: int) -> at_a_glance.Overview:
        return at_a_glance.Overview(
            cycle=None,  # type: ignore[arg-type]
            by_state={},
            total=total,
            approved=approved,
            grades={},
            graded=0,
            department_averages=[],
            below_threshold=[],
            below_threshold_count=0,
        )

    assert overview(2, 5).completion_percent == Decimal("40.00")
    assert overview(1, 3).completion_percent == Decimal("33.33")
    assert overview(0, 0).completion_percent == Decimal(0)
