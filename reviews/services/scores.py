"""Scoring submitted reviews, as the worker does it: read a batch's inputs in a few queries,
score each with the pure rules (`reviews.scoring`), and write the figures, the audit trail and
the verbal warnings in a few statements. A review is written only if it is still submitted at
the revision that was read, so a repeated or late task never overwrites a newer change."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
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
from reviews.services.common import audit_append
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
    preparation = Preparation()
    inputs = _read_inputs(review_ids, preparation)
    if revisions is not None:
        inputs = [one for one in inputs if revisions.get(one.review_id) == one.revision]
    return _score_inputs(inputs, preparation).scored


def reviews_score_next(
    *, cycle_id: int, limit: int, preparation: Preparation | None = None
) -> Outcome:
    """Score the next `limit` submitted reviews of a quarter, in the caller's transaction.

    On PostgreSQL the reviews are picked with `FOR UPDATE SKIP LOCKED` (their inputs read
    next, while they are held), so that several runners can work on one quarter at once, each on
    reviews no other holds, and a runner that dies leaves its reviews to the others. A run that
    picked nothing returns `Outcome(0, 0)`: no submitted review is free (some may still be held
    by other runners)."""
    preparation = preparation or Preparation()
    if connection.vendor == "postgresql":
        inputs = _pick_inputs(cycle_id, limit, preparation)
    else:
        ids = list(
            Review.objects.filter(cycle_id=cycle_id, state=State.SUBMITTED)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        inputs = _read_inputs(ids, preparation)
    return _score_inputs(inputs, preparation)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a batch did: how many reviews it picked, and how many of them left the queue
    (scored, or back to draft as incomplete)."""

    picked: int
    settled: int
    scored: int = 0


@dataclass(frozen=True, slots=True)
class _Inputs:
    """What scoring needs of one review, as read."""

    review_id: int
    cycle_id: int
    revision: int
    version: int
    lines: list[scoring.KpiLine]
    ratings: list[scoring.Rating]


class Preparation:
    """What every review of a batch shares, read once: the competencies and each quarter's
    policy in force."""

    def __init__(self) -> None:
        self._codes: dict[int, str] | None = None
        self._policies: dict[int, tuple[int, scoring.Policy]] = {}

    @property
    def codes(self) -> dict[int, str]:
        """{competency id: code}, in the competencies' order."""
        if self._codes is None:
            self._codes = dict(Competency.objects.values_list("pk", "code"))
        return self._codes

    def policies(self, cycle_ids: set[int]) -> dict[int, tuple[int, scoring.Policy]]:
        missing = cycle_ids - self._policies.keys()
        if missing:
            self._policies.update(_policies(missing))
        return self._policies


def _score_inputs(inputs: Sequence[_Inputs], preparation: Preparation) -> Outcome:
    if not inputs:
        return Outcome(0, 0)
    policies = preparation.policies({one.cycle_id for one in inputs})
    competencies = list(preparation.codes.values())
    results = [
        Scored(
            one.review_id,
            one.cycle_id,
            one.revision,
            one.version,
            policies[one.cycle_id][0],
            _outcome(one.lines, one.ratings, competencies, policies[one.cycle_id][1]),
        )
        for one in inputs
    ]
    relative = any(
        policies[cycle_id][1].grading == scoring.RELATIVE
        for cycle_id in {r.cycle_id for r in results}
    )
    scored, drafted = _write_scores(results, timezone.now(), relative=relative)
    return Outcome(len(inputs), scored + drafted, scored)


def _read_inputs(review_ids: Sequence[int], preparation: Preparation) -> list[_Inputs]:
    """The inputs of those of these reviews still submitted, by the ORM (any database)."""
    rows = list(
        Review.objects.filter(pk__in=review_ids, state=State.SUBMITTED)
        .order_by("pk")
        .values_list("pk", "cycle_id", "revision", "version")
    )
    if not rows:
        return []
    ids = [row[0] for row in rows]
    lines = _lines(ids)
    ratings = _ratings(ids, preparation.codes)
    return [
        _Inputs(review_id, cycle_id, revision, version, lines[review_id], ratings[review_id])
        for review_id, cycle_id, revision, version in rows
    ]


# PostgreSQL: the next submitted reviews of a quarter that no other transaction holds, locked
# until the caller's transaction ends; then their lines (in order) and ratings, in two plain
# queries (a third quicker than aggregating them into arrays per review). The ratings' order
# does not matter: `_outcome` sorts them when it lists problems.
_PICK_SQL = """
SELECT id, cycle_id, revision, version FROM reviews_review
WHERE cycle_id = %s AND state = 'submitted'
ORDER BY id LIMIT %s
FOR UPDATE SKIP LOCKED
"""
_LINES_SQL = """
SELECT review_id, code, direction, target, actual, weight FROM reviews_reviewkpiline
WHERE review_id = ANY(%s) ORDER BY review_id, "order", id
"""
_RATINGS_SQL = """
SELECT review_id, assessor_role, competency_id, value FROM reviews_competencyrating
WHERE review_id = ANY(%s)
"""

_DIRECTIONS = {direction.value: direction for direction in scoring.Direction}


def _pick_inputs(cycle_id: int, limit: int, preparation: Preparation) -> list[_Inputs]:
    with connection.cursor() as cursor:
        cursor.execute(_PICK_SQL, [cycle_id, limit])
        picked = cursor.fetchall()
        if not picked:
            return []
        ids = [row[0] for row in picked]
        cursor.execute(_LINES_SQL, [ids])
        lines = _lines_of(cursor.fetchall())
        cursor.execute(_RATINGS_SQL, [ids])
        ratings = _ratings_of(cursor.fetchall(), preparation.codes)
    return [
        _Inputs(review_id, cycle, revision, version, lines[review_id], ratings[review_id])
        for review_id, cycle, revision, version in picked
    ]


def _lines(review_ids: Sequence[int]) -> dict[int, list[scoring.KpiLine]]:
    return _lines_of(
        ReviewKpiLine.objects.filter(review_id__in=review_ids)
        .order_by("review_id", "order", "pk")
        .values_list("review_id", "code", "direction", "target", "actual", "weight")
    )


def _ratings(
    review_ids: Sequence[int], codes: Mapping[int, str]
) -> dict[int, list[scoring.Rating]]:
    return _ratings_of(
        CompetencyRating.objects.filter(review_id__in=review_ids)
        .order_by("pk")
        .values_list("review_id", "assessor_role", "competency_id", "value"),
        codes,
    )


def _lines_of(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[scoring.KpiLine]]:
    """Each review's lines, from rows (review id, code, direction, target, actual, weight) in
    the lines' order."""
    KpiLine, directions = scoring.KpiLine, _DIRECTIONS
    lines: dict[int, list[scoring.KpiLine]] = defaultdict(list)
    for review_id, code, direction, target, actual, weight in rows:
        kind = directions.get(direction) or scoring.Direction(direction)
        lines[review_id].append(KpiLine(code, kind, target, actual, weight))
    return lines


def _ratings_of(
    rows: Iterable[tuple[Any, ...]], codes: Mapping[int, str]
) -> dict[int, list[scoring.Rating]]:
    """Each review's ratings, from rows (review id, assessor, competency id, value)."""
    Rating = scoring.Rating
    ratings: dict[int, list[scoring.Rating]] = defaultdict(list)
    for review_id, assessor, competency_id, value in rows:
        ratings[review_id].append(Rating(assessor, codes[competency_id], value))
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
    except scoring.InvalidInput:
        # Inputs are checked when they are entered; should one still be invalid (say a
        # weight edited in the admin), the review goes back to draft with the reason. The
        # reasons are listed with the ratings in their usual order (assessor, competency).
        order = {code: position for position, code in enumerate(competencies)}
        ratings = sorted(ratings, key=lambda r: (r.assessor, order.get(r.competency, -1)))
        try:
            scoring.score(lines=lines, ratings=ratings, competencies=competencies, policy=policy)
        except scoring.InvalidInput as invalid:
            return scoring.Incomplete(
                tuple(
                    scoring.Missing(p.code, {"field": p.field, **p.params})
                    for p in invalid.problems
                )
            )
        raise  # the rules gave two answers for the same inputs: not expected


def _write_scores(
    results: Sequence[Scored], now: dt.datetime, *, relative: bool = True
) -> tuple[int, int]:
    """Write a batch's outcomes; returns how many reviews were scored and how many went back
    to draft. `relative`: whether any of the batch's policies grades relatively (else no
    review can be in a calibration lock's seats)."""
    trail: list[AuditEvent | events.Row] = []
    warnings: list[tuple[int, int, Decimal]] = []
    drafted = 0
    with transaction.atomic():
        written = _mark_scored([r for r in results if isinstance(r.outcome, scoring.Result)], now)
        # A review of a group the director locked ranks into the lock's seats (relative grading).
        regraded = reviews_regrade_in_locks(review_ids=written) if relative else {}
        for result in results:
            outcome = result.outcome
            if isinstance(outcome, scoring.Incomplete):
                back = _back_to_draft(result, outcome, now)
                drafted += len(back)
                trail.extend(back)
            elif result.review_id in written:
                trail.append(
                    events.scored_row(
                        cycle_id=result.cycle_id,
                        review_id=result.review_id,
                        total=outcome.total_score,
                        grade=regraded.get(result.review_id, outcome.grade),
                        revision=result.revision,
                    )
                )
                if outcome.verbal_warning:
                    warnings.append((result.review_id, result.version, outcome.total_score))
        audit_append(trail, now)
        if warnings:
            _warnings_add(warnings, now)
            warned = [review_id for review_id, _version, _total in warnings]
            written_warnings_escalate(review_ids=warned)
            transaction.on_commit(lambda: enqueue_warning_notices(warned))
    return len(written), drafted


# PostgreSQL: a chunk's verbal warnings in one statement.
_WARNINGS_SQL = """
INSERT INTO reviews_verbalwarning (review_id, review_version, total_score, created_at, note)
SELECT w.review_id, w.review_version, w.total_score, %s, ''
FROM unnest(%s::bigint[], %s::integer[], %s::numeric[]) AS w(review_id, review_version, total_score)
ON CONFLICT ON CONSTRAINT warning_once_per_version DO NOTHING
"""


def _warnings_add(warnings: Sequence[tuple[int, int, Decimal]], now: dt.datetime) -> None:
    """Record the verbal warnings (review id, version, total score): one per review version,
    whatever runs twice, as the unique constraint decides."""
    if connection.vendor != "postgresql":
        VerbalWarning.objects.bulk_create(
            [
                VerbalWarning(review_id=review_id, review_version=version, total_score=total)
                for review_id, version, total in warnings
            ],
            ignore_conflicts=True,
        )
        return
    review_ids, versions, totals = zip(*warnings, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(_WARNINGS_SQL, [now, list(review_ids), list(versions), list(totals)])


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
