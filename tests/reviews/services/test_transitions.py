"""A review's moves through the workflow (reviews.services.transitions): submitting, returning,
approving (one or many), reopening, each refused when the review moved on."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from reviews import services
from reviews.models import ApprovedResult, AuditEvent, Review, ReviewKpiLine, ScoringPolicy
from tests.helpers.quarters import complete, review_of, scored

# -- transitions -------------------------------------------------------------------------------


def test_an_incomplete_review_cannot_be_submitted(fresh_quarter, personas):
    with pytest.raises(ValidationFailed):
        services.review_submit(actor=personas["hr"], review=review_of(personas))
    assert review_of(personas).state == Review.State.DRAFT


def test_submitting_enqueues_scoring_after_commit(
    fresh_quarter, personas, django_capture_on_commit_callbacks
):
    review = complete(personas, review_of(personas), "60", 3, 3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.review_submit(actor=personas["hr"], review=review)
    assert len(callbacks) == 1
    assert review_of(personas).state == Review.State.SUBMITTED


def test_approval_freezes_the_review_and_keeps_its_figures_for_payroll(fresh_quarter, personas):
    review = services.review_approve(actor=personas["director"], review=scored(personas))
    result = ApprovedResult.objects.get(review=review)
    assert (result.version, result.total_score, result.grade) == (1, Decimal("60.00"), "C")
    assert ScoringPolicy.objects.get(cycle=fresh_quarter).frozen_at is not None
    line = review.kpi_lines.get()
    with pytest.raises(Conflict):
        services.review_set_figures(
            actor=personas["hr"], review=review, figures={line.pk: {"actual": "99"}}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(total_score=Decimal(99))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewKpiLine.objects.filter(pk=line.pk).update(actual=Decimal(99))
    review.refresh_from_db()
    assert review.total_score == Decimal("60.00")


@pytest.mark.parametrize("name", ["hr", "head", "employee", "outsider"])
def test_only_the_director_approves(fresh_quarter, personas, name):
    review = scored(personas)
    with pytest.raises(NotAllowed):
        services.review_approve(actor=personas[name], review=review)
    assert review_of(personas).state == Review.State.SCORED


def test_returning_needs_a_comment_and_is_recorded(fresh_quarter, personas):
    review = scored(personas)
    with pytest.raises(ValidationFailed):
        services.review_return(actor=personas["director"], review=review, comment="  ")
    review = services.review_return(actor=personas["director"], review=review, comment="复核销售额")
    assert review.state == Review.State.RETURNED
    event = AuditEvent.objects.filter(review=review, action="state").latest("id")
    assert (event.from_value, event.to_value, event.reason, event.actor) == (
        "scored",
        "returned",
        "复核销售额",
        personas["director"],
    )


def test_a_draft_cannot_be_approved_or_returned(fresh_quarter, personas):
    review = review_of(personas)
    with pytest.raises(Conflict):
        services.review_approve(actor=personas["director"], review=review)
    with pytest.raises(Conflict):
        services.review_return(actor=personas["director"], review=review, comment="x")


def test_reopening_makes_a_new_version_and_payroll_keeps_the_last_approved(fresh_quarter, personas):
    review = services.review_approve(actor=personas["director"], review=scored(personas))
    with pytest.raises(ValidationFailed):
        services.review_reopen(actor=personas["director"], review=review, reason="")
    review = services.review_reopen(actor=personas["director"], review=review, reason="数据更正")
    assert (review.state, review.version) == (Review.State.REOPENED, 2)
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": "95"}}
    )
    assert ApprovedResult.objects.filter(review=review).count() == 1
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    services.review_approve(actor=personas["director"], review=review)
    assert list(
        ApprovedResult.objects.filter(review=review)
        .order_by("version")
        .values_list("version", "total_score")
    ) == [(1, Decimal("60.00")), (2, Decimal("88.00"))]


# -- a form based on a stale revision ------------------------------------------------------


def test_each_transition_refuses_a_revision_that_moved_on(fresh_quarter, personas):
    director, hr = personas["director"], personas["hr"]
    review = scored(personas)
    stale = review.revision - 1
    for attempt in (
        lambda: services.review_approve(actor=director, review=review, expected_revision=stale),
        lambda: services.review_return(
            actor=director, review=review, comment="复核", expected_revision=stale
        ),
        lambda: services.reviews_approve(
            actor=director, reviews=[review], expected_revisions={review.pk: stale}
        ),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "stale"
    assert review_of(personas).state == Review.State.SCORED

    review = services.review_approve(
        actor=director, review=review, expected_revision=review.revision
    )
    with pytest.raises(Conflict) as refused:
        services.review_reopen(
            actor=director, review=review, reason="更正", expected_revision=review.revision + 1
        )
    assert refused.value.code == "stale"
    review = services.review_reopen(
        actor=director, review=review, reason="更正", expected_revision=review.revision
    )
    assert (review.state, review.version) == (Review.State.REOPENED, 2)
    with pytest.raises(Conflict) as refused:
        services.review_submit(actor=hr, review=review, expected_revision=review.revision - 1)
    assert refused.value.code == "stale"
    assert review_of(personas).state == Review.State.REOPENED


def test_a_bulk_approval_with_one_stale_review_approves_none(fresh_quarter, personas):
    first = scored(personas)
    second = scored(personas, name="head")
    with pytest.raises(Conflict):
        services.reviews_approve(
            actor=personas["director"],
            reviews=[first, second],
            expected_revisions={first.pk: first.revision, second.pk: second.revision + 1},
        )
    assert not ApprovedResult.objects.exists()
    assert set(
        Review.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
    ) == {Review.State.SCORED}
