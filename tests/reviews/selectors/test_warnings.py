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


# -- HR's to-do: the verbal warnings not yet acknowledged ----------------------------------


def _warning(review, score: str = "55.00") -> VerbalWarning:
    return VerbalWarning.objects.create(
        review=review, review_version=review.version, total_score=Decimal(score)
    )


def test_hr_is_asked_to_acknowledge_the_quarters_open_warnings(personas, page_quarter):
    from django.utils import translation

    from reviews.selectors.warnings import todos

    first = _warning(page_quarter.reviews["E00002"])
    _warning(page_quarter.reviews["E00003"])
    hr = personas["hr"]
    with translation.override("en"):
        [item] = todos(viewer_roles=roles_of(hr), user=hr)
    assert item.kind == "acknowledge_verbal_warning" and item.count == 2
    assert str(item.label) == "Acknowledge verbal warnings of 2026Q3"
    assert item.url == "/warnings/?period=2026Q3&acknowledged=no"
    services.warning_acknowledge(actor=hr, warning=first, note="已面谈")
    [item] = todos(viewer_roles=roles_of(hr), user=hr)
    assert item.count == 1


def test_nothing_to_acknowledge_is_no_item(personas, page_quarter):
    from reviews.selectors.warnings import todos

    hr = personas["hr"]
    assert todos(viewer_roles=roles_of(hr), user=hr) == []


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider"])
def test_only_who_acknowledges_warnings_is_asked(personas, page_quarter, persona):
    from reviews.selectors.warnings import todos

    _warning(page_quarter.reviews["E00002"])
    user = personas[persona]
    assert todos(viewer_roles=roles_of(user), user=user) == []
