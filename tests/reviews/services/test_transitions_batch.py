"""Submit-all and approve-all (reviews.services.transitions.reviews_submit_batch,
reviews_approve_batch): all or none, refused when the set confirmed is not the set read, only
for the role the workflow table names, and writing exactly what the one-by-one services write.
On PostgreSQL the commit-time checks of migration 0004 are run (SET CONSTRAINTS ALL
IMMEDIATE)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from clients import services as clients_services
from clients.models import WebhookDelivery
from hrperf.lib.errors import Conflict, NotAllowed
from payroll.events import payroll_row
from reviews import selectors, services
from reviews.models import ApprovedResult, AuditEvent, Review, ScoringPolicy
from reviews.selectors.bulk import Batch
from reviews.services.transitions import _snapshot
from tests.helpers.quarters import complete, review_of, scored
from tests.helpers.services import uses_postgresql
from tests.helpers.webhooks import hook


def commit_checks() -> None:
    """PostgreSQL's deferred checks (an approved review has its result), as at commit."""
    if uses_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def two_scored(personas) -> list[Review]:
    return [scored(personas, name="employee"), scored(personas, actual="80", name="head")]


def quarter_reviews(cycle):
    return Review.objects.filter(cycle=cycle)


def test_approve_all_writes_one_result_event_and_webhook_per_review(
    fresh_quarter,
    personas,
    payroll_client,
    enqueued,
    allow_private,
    django_capture_on_commit_callbacks,
):
    hook(payroll_client, "http://127.0.0.1:9/hook")
    handed: list[list[int]] = []

    def publish(name: str, ids: list[int]) -> bool:
        assert name == "clients.hand_out_deliveries"
        handed.append(ids)
        return True

    recording = pytest.MonkeyPatch()
    recording.setattr(clients_services, "publish", publish)
    reviews = two_scored(personas)
    expected_snapshots = {review.pk: _snapshot(review) for review in reviews}
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.reviews_approve_batch(
            actor=personas["director"],
            reviews=quarter_reviews(fresh_quarter),
            reason="季度审批",
            expected=2,
        )
        commit_checks()
    assert outcome.done == 2
    ids = [review.pk for review in reviews]
    assert set(Review.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"approved"}
    results = ApprovedResult.objects.filter(review_id__in=ids)
    assert Counter(results.values_list("review_id", flat=True)) == dict.fromkeys(ids, 1)
    for result in results:
        review = Review.objects.get(pk=result.review_id)
        assert (result.total_score, result.grade, result.version) == (
            review.total_score,
            review.grade,
            review.version,
        )
        assert result.approved_at == review.approved_at
        assert result.approved_by_id == personas["director"].pk
        assert result.snapshot == expected_snapshots[review.pk]
    approvals = AuditEvent.objects.filter(review_id__in=ids, action="state", to_value="approved")
    assert Counter(approvals.values_list("review_id", flat=True)) == dict.fromkeys(ids, 1)
    assert {event.reason for event in approvals} == {"季度审批"}
    assert {(event.params or {}).get("from") for event in approvals} == {"scored"}
    deliveries = WebhookDelivery.objects.filter(event="review.approved")
    assert sorted(d.payload["employee_no"] for d in deliveries) == ["E00001", "E00002"]
    assert len({d.event_id for d in deliveries}) == 2
    # Each payload is the one a single approval sends: the payroll row, as JSON.
    for delivery in deliveries:
        result = results.get(review__employee__employee_no=delivery.payload["employee_no"])
        assert delivery.payload == clients_services._jsonable(payroll_row(result))
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 0, "")
    # Handed to the worker in one task, which queues each delivery.
    assert [sorted(ids) for ids in handed] == [sorted(d.pk for d in deliveries)]
    recording.undo()
    clients_services.deliveries_hand_out(delivery_ids=handed[0])
    assert sorted(call.delivery_id for call in enqueued) == sorted(d.pk for d in deliveries)
    assert ScoringPolicy.objects.get(cycle=fresh_quarter).frozen_at is not None


def test_approve_all_takes_only_scored_reviews_of_the_set(fresh_quarter, personas):
    approved = scored(personas, name="head")
    services.review_approve(actor=personas["director"], review=approved)
    waiting = scored(personas)
    outcome = services.reviews_approve_batch(
        actor=personas["director"], reviews=quarter_reviews(fresh_quarter), expected=1
    )
    commit_checks()
    assert outcome.done == 1
    assert ApprovedResult.objects.filter(review=approved).count() == 1
    assert ApprovedResult.objects.filter(review=waiting).count() == 1


def test_approve_all_refuses_a_changed_count_and_approves_nothing(fresh_quarter, personas):
    two_scored(personas)
    with pytest.raises(services.SetChanged) as refused:
        services.reviews_approve_batch(
            actor=personas["director"], reviews=quarter_reviews(fresh_quarter), expected=3
        )
    assert refused.value.count == 2
    assert "2" in str(refused.value.message)
    assert not Review.objects.filter(state="approved").exists()
    assert not ApprovedResult.objects.exists()


def test_approve_all_refuses_a_review_changed_since_it_was_counted(fresh_quarter, personas):
    reviews = two_scored(personas)
    counted = selectors.approvable(quarter_reviews(fresh_quarter))
    # The employee's review changes (a figure): back to the worker, then scored again.
    review = complete(personas, review_of(personas), "70", 3, 3, reason_code="correction")
    assert services.review_score(review_id=review.pk, revision=review.revision)
    with pytest.raises(services.SetChanged):
        services.reviews_approve_batch(
            actor=personas["director"],
            reviews=quarter_reviews(fresh_quarter),
            expected=counted.count,
            fingerprint=counted.fingerprint,
        )
    assert counted.count == 2
    assert not Review.objects.filter(pk__in=[r.pk for r in reviews], state="approved").exists()
    assert not AuditEvent.objects.filter(to_value="approved").exists()


def test_approve_all_is_all_or_none_when_a_review_moves_while_it_is_saved(
    fresh_quarter, personas, monkeypatch
):
    first, second = two_scored(personas)
    # The set as read, but the second review at a revision it no longer has.
    stale = Batch(pairs=((first.pk, first.revision), (second.pk, second.revision - 1)))
    monkeypatch.setattr(selectors, "approvable", lambda reviews: stale)
    with pytest.raises(Conflict) as refused:
        services.reviews_approve_batch(actor=personas["director"], reviews=[first, second])
    assert refused.value.code == "stale"
    assert Review.objects.get(pk=first.pk).state == "scored"
    assert not ApprovedResult.objects.exists()
    assert not AuditEvent.objects.filter(to_value="approved").exists()


@pytest.mark.parametrize("name", ["hr", "head", "employee", "other_employee", "outsider"])
def test_only_the_director_approves_all(fresh_quarter, personas, name):
    scored(personas)
    with pytest.raises(NotAllowed):
        services.reviews_approve_batch(
            actor=personas[name], reviews=quarter_reviews(fresh_quarter), expected=1
        )
    assert not Review.objects.filter(state="approved").exists()


def test_approving_one_by_one_still_works_beside_the_batch(fresh_quarter, personas):
    first, second = two_scored(personas)
    services.review_approve(actor=personas["director"], review=first)
    services.reviews_approve_batch(actor=personas["director"], reviews=[second])
    commit_checks()
    assert ApprovedResult.objects.count() == 2
    assert ApprovedResult.objects.get(review=first).snapshot == _snapshot(first)


# -- submit all ------------------------------------------------------------------------------


def test_submit_all_submits_the_complete_ones_and_names_the_incomplete(
    fresh_quarter, personas, django_capture_on_commit_callbacks, monkeypatch
):
    ready = complete(personas, review_of(personas), "60", 3, 3)
    published: list[tuple[str, tuple[object, ...]]] = []

    def publish(name: str, *args: object) -> bool:
        published.append((name, args))
        return True

    monkeypatch.setattr("reviews.services.transitions.publish", publish)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.reviews_submit_batch(
            actor=personas["hr"], reviews=quarter_reviews(fresh_quarter), expected=1
        )
    assert outcome.done == 1
    incomplete = Review.objects.filter(cycle=fresh_quarter).exclude(pk=ready.pk)
    assert outcome.left_out == incomplete.count() == 2
    assert {left.employee_no for left in outcome.named} == {"E00001", "E00003"}
    assert Review.objects.get(pk=ready.pk).state == "submitted"
    assert set(incomplete.values_list("state", flat=True)) == {"draft"}
    assert published == [("reviews.score_review", (ready.pk, ready.revision))]
    event = AuditEvent.objects.get(review=ready, action="state", to_value="submitted")
    assert event.params == {"from": "draft", "to": "submitted"}


def test_submit_all_refuses_a_changed_set(fresh_quarter, personas):
    complete(personas, review_of(personas), "60", 3, 3)
    counted = selectors.submittable(quarter_reviews(fresh_quarter))
    complete(personas, review_of(personas, "head"), "60", 3, 3)
    with pytest.raises(services.SetChanged) as refused:
        services.reviews_submit_batch(
            actor=personas["hr"],
            reviews=quarter_reviews(fresh_quarter),
            expected=counted.count,
            fingerprint=counted.fingerprint,
        )
    assert refused.value.count == 2
    assert not Review.objects.filter(state="submitted").exists()


@pytest.mark.parametrize("name", ["director", "head", "employee", "other_employee", "outsider"])
def test_only_hr_submits_all(fresh_quarter, personas, name):
    complete(personas, review_of(personas), "60", 3, 3)
    with pytest.raises(NotAllowed):
        services.reviews_submit_batch(
            actor=personas[name], reviews=quarter_reviews(fresh_quarter), expected=1
        )
    assert not Review.objects.filter(state="submitted").exists()
