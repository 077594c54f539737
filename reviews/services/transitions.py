"""A review's moves through the workflow that people make: HR submits it for scoring, the
director returns it (with a comment), approves it (one or many, all or none) or reopens an
approved one for a correction (with a reason). Each is one conditional update of the state,
refused when the review moved meanwhile, with its audit event; the target state is the
workflow table's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal
from hrperf.lib.errors import Conflict, ValidationFailed
from payroll import events as payroll_events
from reviews import events, selectors, workflow
from reviews.models import ApprovedResult, Review, ScoringPolicy
from reviews.services.common import (
    enqueue_scoring,
    field_error,
    require,
    require_open,
    require_text,
    stale,
)
from reviews.workflow import Action

State = Review.State


def _transition(
    *,
    review: Review,
    actor: Any,
    action: Action,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
    expected_revision: int | None = None,
    cause: str = "",
    appeal_id: int | None = None,
) -> Review:
    """Take `action` on the review with one conditional update; refuse if it moved meanwhile
    (another state, or another revision than the one the caller's form was based on)."""
    rule = workflow.rule(action)
    assert rule.to is not None
    require_open(review.cycle_id, action)
    matching = Review.objects.filter(pk=review.pk, state__in=rule.within)
    if expected_revision is not None:
        matching = matching.filter(revision=expected_revision)
    updated = matching.update(state=rule.to, updated_at=timezone.now(), **(extra or {}))
    if updated != 1:
        current, revision = Review.objects.values_list("state", "revision").get(pk=review.pk)
        if expected_revision is not None and revision != expected_revision:
            raise stale()
        raise Conflict(
            _("This review is %(state)s; it cannot go to %(to)s.")
            % {"state": State(current).label, "to": State(rule.to).label},
            code="bad_transition",
        )
    events.state_changed(
        cycle_id=review.cycle_id,
        review_id=review.pk,
        actor=actor,
        from_state=review.state,
        to_state=rule.to,
        reason=reason,
        cause=cause,
        appeal_id=appeal_id,
    ).save()
    review.refresh_from_db()
    return review


def _locked(review: Review, expected_revision: int | None, action: Action) -> Review:
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_open(review.cycle_id, action)
    if expected_revision is not None and review.revision != expected_revision:
        raise stale()
    return review


def incomplete(review: Review) -> ValidationFailed:
    """The refusal of an incomplete review: `review` (`incomplete`), then each missing item
    with the field that lacks it, its code and a sentence."""
    return ValidationFailed(
        [
            field_error("review", _("This review is incomplete; complete it first."), "incomplete"),
            *(
                field_error(reason.field, reason.message, reason.code)
                for reason in selectors.review_missing(review=review)
            ),
        ]
    )


def review_submit(*, actor: Any, review: Review, expected_revision: int | None = None) -> Review:
    """HR hands a complete review to the worker for scoring."""
    require(Action.SUBMIT, actor)
    with transaction.atomic():
        review = _locked(review, expected_revision, Action.SUBMIT)
        if review.incomplete_reasons:
            raise incomplete(review)
        review = _transition(
            review=review, actor=actor, action=Action.SUBMIT, extra={"submitted_at": timezone.now()}
        )
        enqueue_scoring(review.pk)
    return review


def review_return(
    *, actor: Any, review: Review, comment: str, expected_revision: int | None = None
) -> Review:
    require(Action.RETURN, actor)
    require_text("comment", comment, _("Say what HR should change."))
    with transaction.atomic():
        return _transition(
            review=review,
            actor=actor,
            action=Action.RETURN,
            reason=comment.strip(),
            expected_revision=expected_revision,
        )


def review_approve(*, actor: Any, review: Review, expected_revision: int | None = None) -> Review:
    """The director approves a scored review: its figures freeze and payroll sees them."""
    require(Action.APPROVE, actor)
    with transaction.atomic():
        review = _locked(review, expected_revision, Action.APPROVE)
        if not workflow.allows(Action.APPROVE, review.state) or (
            review.scored_revision != review.revision
        ):
            raise Conflict(_("Only a scored review can be approved."), code="bad_transition")
        now = timezone.now()
        review = _transition(
            review=review,
            actor=actor,
            action=Action.APPROVE,
            extra={"approved_at": now, "approved_by_id": events.actor_id(actor)},
        )
        result = _approved_result(review, actor)
        ScoringPolicy.objects.filter(pk=result.policy_id, frozen_at__isnull=True).update(
            frozen_at=now
        )
        payroll_events.review_approved(result)
    return review


def _approved_result(review: Review, actor: Any) -> ApprovedResult:
    """The figures of the version just approved, kept for payroll (append-only)."""
    assert review.policy_id is not None and review.total_score is not None
    assert review.kpi_score is not None and review.competency_score is not None
    assert review.pay_coefficient is not None and review.approved_at is not None
    return ApprovedResult.objects.create(
        review=review,
        version=review.version,
        policy_id=review.policy_id,
        kpi_score=review.kpi_score,
        competency_score=review.competency_score,
        total_score=review.total_score,
        grade=review.grade,
        pay_coefficient=review.pay_coefficient,
        verbal_warning=review.verbal_warning,
        approved_at=review.approved_at,
        approved_by=actor,
        snapshot=_snapshot(review),
    )


def _snapshot(review: Review) -> dict[str, Any]:
    return {
        "lines": [
            {
                "code": c,
                "direction": d,
                "target": str(t) if t is not None else None,
                "actual": str(a) if a is not None else None,
                "weight": w,
            }
            for c, d, t, a, w in review.kpi_lines.order_by("order").values_list(
                "code", "direction", "target", "actual", "weight"
            )
        ],
        "ratings": [
            {"assessor": a, "competency": c, "value": v}
            for a, c, v in review.ratings.order_by(
                "assessor_role", "competency__order"
            ).values_list("assessor_role", "competency__code", "value")
        ],
    }


def reviews_approve(
    *,
    actor: Any,
    reviews: Sequence[Review],
    expected_revisions: Mapping[int, int] | None = None,
) -> list[Review]:
    """Approve many at once: all or none. `expected_revisions` ({review id: revision}) refuses
    the whole batch when any of them changed since the caller's page was drawn."""
    expected = expected_revisions or {}
    with transaction.atomic():
        return [
            review_approve(actor=actor, review=review, expected_revision=expected.get(review.pk))
            for review in reviews
        ]


def review_reopen(
    *, actor: Any, review: Review, reason: str, expected_revision: int | None = None
) -> Review:
    """The director reopens an approved review for a correction: a new version begins. The last
    approved version stays with payroll until the new one is approved."""
    require(Action.REOPEN, actor)
    require_text("reason", reason, _("Give the reason for reopening."))
    with transaction.atomic():
        _refuse_while_appealed(review)
        return _reopen(
            review=review, actor=actor, reason=reason, expected_revision=expected_revision
        )


def _refuse_while_appealed(review: Review) -> None:
    """An appeal of the approved version waits for HR's answer: reopening the review now would
    leave it with no version to answer for. Read with the review locked, as filing one is."""
    version = Review.objects.select_for_update().values_list("version", flat=True).get(pk=review.pk)
    if Appeal.objects.filter(
        review_id=review.pk, version=version, status=Appeal.Status.FILED
    ).exists():
        raise Conflict(
            _(
                "The employee's appeal of this result waits for HR's answer: HR answers it "
                "first (accepting it reopens the review for the correction)."
            ),
            code="appeal_open",
        )


def review_reopen_for_appeal(*, actor: Any, review: Review, appeal_id: int, reason: str) -> Review:
    """HR accepted the employee's appeal (`appeal_id`): the approved review reopens for the
    correction, as the director's reopening does (a new version, the same events to payroll's
    clients), with the appeal recorded as its cause. Call it inside the transaction that
    records the acceptance."""
    require(Action.ANSWER_APPEAL, actor)
    require_text("reason", reason, _("Give the reason for accepting the appeal."))
    with transaction.atomic():
        return _reopen(review=review, actor=actor, reason=reason, appeal_id=appeal_id)


def _reopen(
    *,
    review: Review,
    actor: Any,
    reason: str,
    expected_revision: int | None = None,
    appeal_id: int | None = None,
) -> Review:
    review = _transition(
        review=review,
        actor=actor,
        action=Action.REOPEN,
        reason=reason.strip(),
        extra={"version": F("version") + 1, "revision": F("revision") + 1},
        expected_revision=expected_revision,
        cause=events.APPEAL if appeal_id is not None else "",
        appeal_id=appeal_id,
    )
    # Clients hear which approved version payroll keeps paying on until the correction.
    last = review.approved_results.order_by("-version").first()
    if last is not None:
        payroll_events.review_reopened(last)
    return review
