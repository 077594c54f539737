"""Which verbal warnings a viewer reads (reviews/selectors/warnings.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hrperf.lib.roles import roles_of
from reviews import services
from reviews.models import VerbalWarning
from reviews.selectors import visibility
from reviews.selectors.warnings import warning_list
from tests.helpers.examples import fill_in
from tests.helpers.pages import EXAMPLES, approve

pytestmark = pytest.mark.django_db


def test_a_head_never_reads_the_warning_on_their_own_review(personas, page_quarter):
    """On their own review a head is an employee, who sees no HR note: not even approved."""
    own = fill_in(personas, page_quarter.reviews["E00001"], EXAMPLES["E00002"])
    own = services.review_submit(actor=personas["hr"], review=own)
    services.review_score(review_id=own.pk, revision=own.revision)
    own.refresh_from_db()
    own = services.review_approve(actor=personas["director"], review=own)
    theirs = approve(personas, page_quarter.reviews["E00002"])
    for review in (own, theirs):
        VerbalWarning.objects.create(
            review=review, review_version=review.version, total_score=Decimal("52.00")
        )
    head = roles_of(personas["head"])
    assert visibility.Part.REASONS not in visibility.parts_seen(viewer_roles=head, review=own)

    seen = {warning.review_id for warning in warning_list(viewer_roles=head)}
    assert seen == {theirs.pk}
    everyone = {
        warning.review_id for warning in warning_list(viewer_roles=roles_of(personas["hr"]))
    }
    assert everyone == {own.pk, theirs.pk}
