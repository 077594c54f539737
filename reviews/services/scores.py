"""Scoring submitted reviews, as the worker does it: read a batch's inputs in a few queries,
score each with the pure rules (`reviews.scoring`), and write the figures, the audit trail and
the verbal warnings in a few statements. A review is written only if it is still submitted at
the revision that was read, so a repeated or late task never overwrites a newer change."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from departments.models import Competency
from improvement.services import written_warnings_escalate
from reviews import events, scoring
from reviews.models import (
    AuditEvent,
    CompetencyRating,
    Review,
    ReviewCycle,
    ReviewKpiLine,
    VerbalWarning,
)
from reviews.policies import current_policy, to_scoring
from reviews.services.calibration import reviews_regrade_in_locks
from reviews.services.warnings import enqueue_warning_notices

State = Review.State


@dataclass(frozen=True, slots=True)
class Scored:
    """One review of a batch as scored: what was read, and the outcome."""

    review_id: int
    cycle_id: int
    revision: int
    version: int
    policy_id: int
    outcome: scoring.Result | scoring.Incomplete


def review_score(*, review_id: int, revision: int) -> bool:
    """Score one submitted review as of `revision`. Writes only if that revision is still the
    current one and not yet scored, so a repeated or late task does nothing. True if it scored."""
    scored = reviews_score_batch(review_ids=[review_id], revisions={review_id: revision}) == 1
    if not scored:
        # A repeated task: its first run may have died before the warning notice went out.
        enqueue_warning_notices([review_id])
    return scored


def reviews_score_batch(
    *, review_ids: Sequence[int], revisions: Mapping[int, int] | None = None
) -> int:
    """Score a batch of submitted reviews; returns how many it scored."""
    if not review_ids:
        return 0
    rows = list(
        Review.objects.filter(pk__in=review_ids, state=State.SUBMITTED).values_list(
            "pk", "cycle_id", "revision", "version"
        )
    )
    if revisions is not None:
        rows = [row for row in rows if revisions.get(row[0]) == row[2]]
    if not rows:
        return 0
    ids = [row[0] for row in rows]
    lines = _lines(ids)
    codes = dict(Competency.objects.values_list("pk", "code"))
    ratings = _ratings(ids, codes)
    policies = _policies({row[1] for row in rows})
    competencies = list(codes.values())
    results = [
        Scored(
            review_id,
            cycle_id,
            revision,
            version,
            policies[cycle_id][0],
            _outcome(lines[review_id], ratings[review_id], competencies, policies[cycle_id][1]),
        )
        for review_id, cycle_id, revision, version in rows
    ]
    return _write_scores(results, timezone.now())


def _lines(review_ids: Sequence[int]) -> dict[int, list[scoring.KpiLine]]:
    lines: dict[int, list[scoring.KpiLine]] = defaultdict(list)
    for review_id, code, direction, target, actual, weight in (
        ReviewKpiLine.objects.filter(review_id__in=review_ids)
        .order_by("review_id", "order")
        .values_list("review_id", "code", "direction", "target", "actual", "weight")
    ):
        lines[review_id].append(
            scoring.KpiLine(
                code=code,
                direction=scoring.Direction(direction),
                target=target,
                actual=actual,
                weight=weight,
            )
        )
    return lines


def _ratings(
    review_ids: Sequence[int], codes: Mapping[int, str]
) -> dict[int, list[scoring.Rating]]:
    ratings: dict[int, list[scoring.Rating]] = defaultdict(list)
    for review_id, assessor, competency_id, value in CompetencyRating.objects.filter(
        review_id__in=review_ids
    ).values_list("review_id", "assessor_role", "competency_id", "value"):
        ratings[review_id].append(
            scoring.Rating(assessor=assessor, competency=codes[competency_id], value=value)
        )
    return ratings


def _policies(cycle_ids: set[int]) -> dict[int, tuple[int, scoring.Policy]]:
    """Each quarter's policy in force: its id and its rules' form, prepared once a batch."""
    policies = {}
    for cycle_id in cycle_ids:
        policy = current_policy(ReviewCycle(pk=cycle_id))
        policies[cycle_id] = (policy.pk, to_scoring(policy))
    return policies


def _outcome(
    lines: list[scoring.KpiLine],
    ratings: list[scoring.Rating],
    competencies: list[str],
    policy: scoring.Policy,
) -> scoring.Result | scoring.Incomplete:
    try:
        return scoring.score(lines=lines, ratings=ratings, competencies=competencies, policy=policy)
    except scoring.InvalidInput as invalid:
        # Inputs are checked when they are entered; should one still be invalid (say a
        # weight edited in the admin), the review goes back to draft with the reason.
        return scoring.Incomplete(
            tuple(scoring.Missing(p.code, {"field": p.field, **p.params}) for p in invalid.problems)
        )


def _write_scores(results: Sequence[Scored], now: dt.datetime) -> int:
    trail: list[AuditEvent] = []
    warnings: list[VerbalWarning] = []
    with transaction.atomic():
        written = _mark_scored([r for r in results if isinstance(r.outcome, scoring.Result)], now)
        # A review of a group the director locked ranks into the lock's seats (relative grading).
        regraded = reviews_regrade_in_locks(review_ids=written)
        for result in results:
            outcome = result.outcome
            if isinstance(outcome, scoring.Incomplete):
                trail.extend(_back_to_draft(result, outcome, now))
            elif result.review_id in written:
                trail.append(
                    events.scored(
                        cycle_id=result.cycle_id,
                        review_id=result.review_id,
                        total=outcome.total_score,
                        grade=regraded.get(result.review_id, outcome.grade),
                        revision=result.revision,
                    )
                )
                if outcome.verbal_warning:
                    warnings.append(
                        VerbalWarning(
                            review_id=result.review_id,
                            review_version=result.version,
                            total_score=outcome.total_score,
                        )
                    )
        _append_events(trail, now)
        if warnings:
            # One per review version, whatever runs twice: the unique constraint decides.
            VerbalWarning.objects.bulk_create(warnings, ignore_conflicts=True)
            warned = [w.review_id for w in warnings]
            written_warnings_escalate(review_ids=warned)
            transaction.on_commit(lambda: enqueue_warning_notices(warned))
    return len(written)


def _back_to_draft(
    result: Scored, outcome: scoring.Incomplete, now: dt.datetime
) -> list[AuditEvent]:
    """A review that cannot be scored goes back to draft with what it lacks (unless it moved
    meanwhile); the event saying so, if it did."""
    missing = [{"code": m.code, **dict(m.params)} for m in outcome.missing]
    changed = Review.objects.filter(
        pk=result.review_id, revision=result.revision, state=State.SUBMITTED
    ).update(state=State.DRAFT, incomplete_reasons=missing, updated_at=now)
    if not changed:
        return []
    return [
        events.state_changed(
            cycle_id=result.cycle_id,
            review_id=result.review_id,
            actor=None,
            from_state=State.SUBMITTED,
            to_state=State.DRAFT,
            cause=events.INCOMPLETE,
        )
    ]


# PostgreSQL: the figures of a whole chunk in one statement. Each review is written only if it
# is still submitted at the revision that was read; RETURNING tells which were.
_MARK_SCORED_SQL = """
UPDATE reviews_review AS r
SET state = 'scored', scored_revision = v.revision, policy_id = v.policy_id,
    kpi_score = v.kpi_score, competency_score = v.competency_score,
    total_score = v.total_score, grade = v.grade, pay_coefficient = v.pay_coefficient,
    verbal_warning = v.verbal_warning, incomplete_reasons = '[]'::jsonb, grade_basis = NULL,
    scored_at = %s, updated_at = %s
FROM unnest(%s::bigint[], %s::integer[], %s::bigint[], %s::numeric[], %s::numeric[],
            %s::numeric[], %s::varchar[], %s::numeric[], %s::boolean[])
     AS v(id, revision, policy_id, kpi_score, competency_score, total_score, grade,
          pay_coefficient, verbal_warning)
WHERE r.id = v.id AND r.revision = v.revision AND r.state = 'submitted'
RETURNING r.id
"""


def _mark_scored(results: Sequence[Scored], now: dt.datetime) -> set[int]:
    """Write the figures of scored reviews, each only if the review is still submitted at the
    revision read. Returns the ids written."""
    if not results:
        return set()
    if connection.vendor == "postgresql":
        outcomes: list[Any] = [result.outcome for result in results]
        with connection.cursor() as cursor:
            cursor.execute(
                _MARK_SCORED_SQL,
                [
                    now,
                    now,
                    [result.review_id for result in results],
                    [result.revision for result in results],
                    [result.policy_id for result in results],
                    [outcome.kpi_score for outcome in outcomes],
                    [outcome.competency_score for outcome in outcomes],
                    [outcome.total_score for outcome in outcomes],
                    [outcome.grade for outcome in outcomes],
                    [outcome.pay_coefficient for outcome in outcomes],
                    [outcome.verbal_warning for outcome in outcomes],
                ],
            )
            return {review_id for (review_id,) in cursor.fetchall()}
    return {result.review_id for result in results if _mark_one_scored(result, now)}


def _mark_one_scored(result: Scored, now: dt.datetime) -> bool:
    outcome = result.outcome
    assert isinstance(outcome, scoring.Result)
    return bool(
        Review.objects.filter(
            pk=result.review_id, revision=result.revision, state=State.SUBMITTED
        ).update(
            state=State.SCORED,
            scored_revision=result.revision,
            policy_id=result.policy_id,
            kpi_score=outcome.kpi_score,
            competency_score=outcome.competency_score,
            total_score=outcome.total_score,
            grade=outcome.grade,
            pay_coefficient=outcome.pay_coefficient,
            verbal_warning=outcome.verbal_warning,
            grade_basis=None,
            incomplete_reasons=[],
            scored_at=now,
            updated_at=now,
        )
    )


_AUDIT_COLUMNS = (
    "cycle_id",
    "review_id",
    "actor_id",
    "at",
    "action",
    "field",
    "from_value",
    "to_value",
    "reason",
    "params",
)


def _append_events(trail: Sequence[AuditEvent], now: dt.datetime) -> None:
    """Append audit events: by COPY on PostgreSQL (no model is saved, so `at` is set here as
    auto_now_add would), by bulk_create elsewhere."""
    if not trail:
        return
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(trail, batch_size=5000)
        return
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY reviews_auditevent ({}) FROM STDIN".format(", ".join(_AUDIT_COLUMNS))
        ) as copy,
    ):
        for event in trail:
            copy.write_row(
                (
                    event.cycle_id,
                    event.review_id,
                    event.actor_id,
                    now,
                    event.action,
                    event.field,
                    event.from_value,
                    event.to_value,
                    event.reason,
                    None if event.params is None else json.dumps(event.params),
                )
            )
