"""A quarter's figures in bulk (reviews.services.figures): all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.helpers.quarter_files import stored_figures

pytestmark = pytest.mark.django_db


def test_a_review_changed_meanwhile_refuses_the_whole_write(page_quarter, personas):
    from django.db import transaction

    from hrperf.lib.errors import Conflict
    from reviews.services.figures import figures_write

    review = page_quarter.reviews["E00002"]
    line = review.kpi_lines.get(code="SALES_PLAN_RATE")
    before = stored_figures()
    with pytest.raises(Conflict), transaction.atomic():
        figures_write(
            actor=personas["hr"],
            cycle=page_quarter.cycle,
            # The revision the caller read is not the review's any more.
            reviews={review.pk: (review.revision + 1, review.state)},
            changes=[(line, "actual", Decimal(1))],
        )
    assert stored_figures() == before
