"""Quarters: opening one with its scoring policy, changing the policy, and starting the
background jobs that generate or rescore its reviews."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import ValidationFailed
from hrperf.lib.periods import PERIOD_HELP, clean_period, is_period, quarter_dates
from hrperf.lib.tasks import publish_on_commit
from reviews import events, inputs, workflow
from reviews.models import AuditEvent, CycleJob, Review, ReviewCycle, ScoringPolicy
from reviews.policies import (
    ASSESSOR_WEIGHTS,
    POLICY_FIELDS,
    current_policy,
    policy_values,
    to_scoring,
    validated_policy,
)
from reviews.services.common import field_error, require, require_open
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
    require_open(cycle, Action.GENERATE)
    return _start_job(actor=actor, cycle=cycle, kind=CycleJob.Kind.GENERATE)


def cycle_rescore(*, actor: Any, cycle: ReviewCycle) -> CycleJob:
    """Enqueue the scoring of every submitted or scored review of the cycle. From the commit,
    no review scored before can be approved until the job scores it again (a new revision;
    a single-review task still queued for the old one does nothing)."""
    require(Action.RESCORE, actor)
    with transaction.atomic():
        Review.objects.filter(cycle=cycle, state=Review.State.SCORED).update(
            state=Review.State.SUBMITTED, revision=F("revision") + 1, updated_at=timezone.now()
        )
        return _start_job(actor=actor, cycle=cycle, kind=CycleJob.Kind.RESCORE)


def _start_job(*, actor: Any, cycle: ReviewCycle, kind: str) -> CycleJob:
    with transaction.atomic():
        job = CycleJob.objects.create(cycle=cycle, kind=kind, created_by_id=events.actor_id(actor))
        publish_on_commit(JOB_TASKS[kind], job.pk)
    return job
