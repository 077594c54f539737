"""Quarters: opening one with its scoring policy, changing the policy, starting the
background jobs that generate or rescore its reviews, closing it (read-only, its reports
final) and reopening it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.periods import PERIOD_HELP, clean_period, is_period, quarter_dates
from hrperf.lib.tasks import publish_on_commit
from reviews import events, inputs, selectors, workflow
from reviews.models import AuditEvent, CycleJob, Review, ReviewCycle, ScoringPolicy
from reviews.policies import (
    ASSESSOR_WEIGHTS,
    POLICY_FIELDS,
    current_policy,
    policy_values,
    to_scoring,
    validated_policy,
)
from reviews.services.common import (
    QUARTER_CLOSED,
    field_error,
    require,
    require_open,
    require_text,
)
from reviews.workflow import Action

JOB_TASKS: dict[str, str] = {
    CycleJob.Kind.GENERATE: "reviews.generate_cycle",
    CycleJob.Kind.RESCORE: "reviews.rescore_cycle",
}


def cycle_open(*, actor: Any, period: str, policy: Mapping[str, Any] | None = None) -> ReviewCycle:
    """Open a quarter with its scoring policy (scoring.md defaults unless given)."""
    require(Action.OPEN_QUARTER, actor)
    period = clean_period(period)
    if not is_period(period):
        raise ValidationFailed([field_error("period", PERIOD_HELP)])
    if ReviewCycle.objects.filter(period=period).exists():
        raise ValidationFailed(
            [field_error("period", _("This quarter is already open."), "duplicate")]
        )
    starts_on, ends_on = quarter_dates(period)
    settings = validated_policy(policy or {})
    with transaction.atomic():
        cycle = ReviewCycle.objects.create(
            period=period,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by_id=events.actor_id(actor),
        )
        ScoringPolicy.objects.create(cycle=cycle, version=1, **settings)
        events.quarter_opened(cycle_id=cycle.pk, actor=actor, period=period).save()
    return cycle


def cycle_policy_update(
    *, actor: Any, cycle: ReviewCycle, values: Mapping[str, Any]
) -> ScoringPolicy:
    """Change a cycle's policy: in place while no review scored with it is approved, otherwise
    as a new version. Reviews not yet approved are rescored with it."""
    require(Action.CHANGE_POLICY, actor)
    merged = validated_policy({**policy_values(current_policy(cycle)), **values})
    with transaction.atomic():
        require_open(cycle.pk, Action.CHANGE_POLICY)
        policy = (
            ScoringPolicy.objects.select_for_update()
            .filter(cycle=cycle)
            .order_by("-version")
            .first()
        )
        assert policy is not None
        before = policy_values(policy)
        if policy.frozen_at is None:
            ScoringPolicy.objects.filter(pk=policy.pk, frozen_at__isnull=True).update(**merged)
        else:
            policy = ScoringPolicy.objects.create(cycle=cycle, version=policy.version + 1, **merged)
        changes = [
            events.policy_changed(
                cycle_id=cycle.pk,
                actor=actor,
                setting=name,
                before=before[name],
                after=merged[name],
            )
            for name in POLICY_FIELDS
            if before[name] != merged[name]
        ]
        AuditEvent.objects.bulk_create(changes)
        policy.refresh_from_db()
        if any(before[name] != merged[name] for name in ASSESSOR_WEIGHTS):
            _refresh_missing(cycle, policy)
        if changes:  # in the change's own transaction: see cycle_rescore
            cycle_rescore(actor=actor, cycle=cycle)
    return policy


def _refresh_missing(cycle: ReviewCycle, policy: ScoringPolicy) -> None:
    """What each review HR still edits lacks under the policy's new assessor weights (a
    weighted self-assessment is required, an advisory one is not). Reviews with the worker
    are rescored, and go back to draft with what they lack if they cannot be."""
    editable = workflow.BACK_WITH_HR
    reviews = dict(
        Review.objects.select_for_update()
        .filter(cycle=cycle, state__in=editable)
        .order_by("pk")
        .values_list("pk", "incomplete_reasons")
    )
    now = timezone.now()
    for review_id, missing in inputs.reviews_missing(list(reviews), to_scoring(policy)).items():
        if missing != reviews[review_id]:
            Review.objects.filter(pk=review_id, state__in=editable).update(
                incomplete_reasons=missing, updated_at=now
            )


def cycle_generate(*, actor: Any, cycle: ReviewCycle) -> CycleJob:
    """Enqueue the generation of a review for every active employee who has none yet."""
    require(Action.GENERATE, actor)
    with transaction.atomic():
        require_open(cycle.pk, Action.GENERATE)
        return _start_job(actor=actor, cycle=cycle, kind=CycleJob.Kind.GENERATE)


def cycle_rescore(*, actor: Any, cycle: ReviewCycle) -> CycleJob:
    """Enqueue the scoring of every submitted or scored review of the cycle. From the commit,
    no review scored before can be approved until the job scores it again (a new revision;
    a single-review task still queued for the old one does nothing)."""
    require(Action.RESCORE, actor)
    with transaction.atomic():
        require_open(cycle.pk, Action.RESCORE)
        Review.objects.filter(cycle=cycle, state=Review.State.SCORED).update(
            state=Review.State.SUBMITTED, revision=F("revision") + 1, updated_at=timezone.now()
        )
        return _start_job(actor=actor, cycle=cycle, kind=CycleJob.Kind.RESCORE)


def _start_job(*, actor: Any, cycle: ReviewCycle, kind: str) -> CycleJob:
    with transaction.atomic():
        job = CycleJob.objects.create(cycle=cycle, kind=kind, created_by_id=events.actor_id(actor))
        publish_on_commit(JOB_TASKS[kind], job.pk)
    return job


QUARTER_NOT_READY = "quarter_not_ready"


def cycle_close(*, actor: Any, cycle: ReviewCycle) -> ReviewCycle:
    """HR closes the quarter: from then on it is read-only (every action the workflow table
    allows only in an open quarter is refused) and its reports are final. Refused while any of
    its reviews is not approved, an appeal of one waits for HR's answer or a background job of
    it runs, the refusal counting each (`selectors.cycle_close_blockers`)."""
    require(Action.CLOSE_QUARTER, actor)
    with transaction.atomic():
        locked = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
        if not workflow.allows_in_quarter(Action.CLOSE_QUARTER, locked.status):
            raise Conflict(
                _("Quarter %(period)s is already closed.") % {"period": locked.period},
                code=QUARTER_CLOSED,
            )
        blockers = selectors.cycle_close_blockers(cycle_id=locked.pk)
        if blockers.any:
            raise Conflict(not_ready_message(locked.period, blockers), code=QUARTER_NOT_READY)
        now = timezone.now()
        ReviewCycle.objects.filter(pk=locked.pk, status=ReviewCycle.Status.OPEN).update(
            status=ReviewCycle.Status.CLOSED, closed_at=now
        )
        events.quarter_closed(cycle_id=locked.pk, actor=actor, period=locked.period).save()
    cycle.refresh_from_db()
    return cycle


def not_ready_message(period: str, blockers: selectors.CloseBlockers) -> str:
    """Why the quarter cannot close yet, with the count of each thing that keeps it open."""
    parts = []
    if blockers.not_approved:
        count = blockers.not_approved
        parts.append(
            ngettext("%(count)d review not approved", "%(count)d reviews not approved", count)
            % {"count": count}
        )
    if blockers.open_appeals:
        count = blockers.open_appeals
        parts.append(
            ngettext(
                "%(count)d appeal waiting for HR's answer",
                "%(count)d appeals waiting for HR's answer",
                count,
            )
            % {"count": count}
        )
    if blockers.jobs_running:
        count = blockers.jobs_running
        parts.append(
            ngettext("%(count)d background job running", "%(count)d background jobs running", count)
            % {"count": count}
        )
    return gettext("Quarter %(period)s cannot close yet: %(blockers)s.") % {
        "period": period,
        "blockers": pgettext("list separator", "; ").join(parts),
    }


def cycle_reopen(*, actor: Any, cycle: ReviewCycle, reason: str) -> ReviewCycle:
    """The director reopens a closed quarter, with a written reason: it can change again and
    its reports are no longer final until HR closes it again."""
    require(Action.REOPEN_QUARTER, actor)
    require_text("reason", reason, _("Give the reason for reopening the quarter."))
    with transaction.atomic():
        locked = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
        if not workflow.allows_in_quarter(Action.REOPEN_QUARTER, locked.status):
            raise Conflict(
                _("Quarter %(period)s is open; only a closed quarter can be reopened.")
                % {"period": locked.period},
                code="quarter_open",
            )
        ReviewCycle.objects.filter(pk=locked.pk, status=ReviewCycle.Status.CLOSED).update(
            status=ReviewCycle.Status.OPEN, closed_at=None
        )
        events.quarter_reopened(
            cycle_id=locked.pk, actor=actor, period=locked.period, reason=reason.strip()
        ).save()
    cycle.refresh_from_db()
    return cycle
