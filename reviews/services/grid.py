"""Rating many reviews at once, as one assessor (the rating grid of a quarter).

Each row is `(review id, the revision it was read at, {competency code: 1–5})` and is held to
the rules of the rating of one review (`services.inputs.review_rate`, whose helpers it shares):
the same check of the assessor (the workflow table), of the quarter (open), of the state (an
approved review is frozen), of the revision, of the reason code (a scored review's change
needs one), the same `rating` events, revision, missing inputs and state change. A row is
refused alone (changed meanwhile, invalid, frozen, not in the quarter) and nothing of it is
written; the others are saved. A row whose values are the assessor's own already is left alone
(unchanged), whatever its revision.

All rows are written at once, a fixed number of statements whatever their number: the reviews
locked in id order, the ratings upserted, the reviews updated and the events inserted in bulk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Case, F, JSONField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Competency
from hrperf.lib.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from reviews import events, workflow
from reviews.inputs import reviews_missing
from reviews.models import AuditEvent, CompetencyRating, Review, ReviewCycle
from reviews.policies import current_policy, to_scoring
from reviews.services.common import (
    edit_refusal,
    enqueue_scorings,
    field_error,
    require,
    require_open,
)
from reviews.services.inputs import (
    RATING_RANGE,
    RATINGS,
    RatingChange,
    check_reason_code,
    mark_reason,
    rating_changes,
    rating_events,
    reason_refusal,
    state_after_change,
)

# The most rows one save may send (a department is at most a few hundred reviews).
MAX_ROWS = 1000


class Outcome(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    STALE = "stale"  # the review changed after the row was read: theirs and yours are given
    INVALID = "invalid"  # a value refused: `errors` names each
    FROZEN = "frozen"  # the review is approved: only the director's reopening unfreezes it
    NOT_FOUND = "not_found"  # no such review in this quarter


STALE = _(
    "Someone else changed this review after you read it: their ratings now are shown beside "
    "yours. Nothing of this row was saved; save it again to keep yours."
)
REFUSED = frozenset({Outcome.STALE, Outcome.INVALID, Outcome.FROZEN, Outcome.NOT_FOUND})


@dataclass(frozen=True)
class RowInput:
    review_id: int
    revision: int
    ratings: Mapping[str, Any]  # competency code -> 1..5 (a blank gives none)


@dataclass
class RowResult:
    index: int  # the row's place in the request, from 0
    review_id: int
    outcome: Outcome
    message: str = ""
    revision: int | None = None  # the review's revision now (when it is one of the quarter's)
    errors: list[FieldError] = field(default_factory=list)
    yours: dict[str, Any] = field(default_factory=dict)  # what the row sent
    theirs: dict[str, int | None] = field(default_factory=dict)  # the assessor's ratings now

    @property
    def refused(self) -> bool:
        return self.outcome in REFUSED


@dataclass
class GridSaveResult:
    rows: list[RowResult]

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome in outcomes)

    @property
    def saved(self) -> int:
        return self.count(Outcome.SAVED)

    @property
    def unchanged(self) -> int:
        return self.count(Outcome.UNCHANGED)

    @property
    def refused(self) -> int:
        return self.count(*REFUSED)

    def by_review(self) -> dict[int, RowResult]:
        return {row.review_id: row for row in self.rows}


def require_assessor(*, actor: Any, assessor_role: str) -> None:
    """Refuse anyone who does not hold the assessor's role (and any rating as `self`)."""
    if workflow.is_self_rating(assessor_role):
        raise NotAllowed(workflow.SELF_RATED_ELSEWHERE, code="self_assessment_only")
    action = workflow.rating_action(assessor_role)
    if action is None:
        raise ValidationFailed([field_error("assessor_role", _("Unknown assessor role."))])
    require(action, actor)


def grid_rate(
    *,
    actor: Any,
    cycle: ReviewCycle,
    assessor_role: str,
    rows: Sequence[RowInput],
    reason_code: str = "",
    note: str = "",
) -> GridSaveResult:
    """Save many rows of one assessor's ratings of the quarter's reviews, each row alone.
    `reason_code` and `note` say why, for every changed row (a scored review's row needs a
    code, as `review_rate` does)."""
    require_assessor(actor=actor, assessor_role=assessor_role)
    check_reason_code(reason_code)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(
            [
                field_error(
                    "rows",
                    _("Send at most %(max)s rows at once.") % {"max": MAX_ROWS},
                    "too_many_rows",
                )
            ]
        )
    competencies = {c.code: c for c in Competency.objects.order_by("order")}
    codes = list(competencies)
    results = [
        RowResult(
            index=index, review_id=row.review_id, outcome=Outcome.SAVED, yours=dict(row.ratings)
        )
        for index, row in enumerate(rows)
    ]
    with transaction.atomic():
        # Locked in id order, as one review's rating locks it: two saves never wait on each other
        # the wrong way round.
        reviews = {
            review.pk: review
            for review in Review.objects.select_for_update()
            .filter(cycle=cycle, pk__in={row.review_id for row in rows})
            .only("pk", "cycle_id", "state", "revision")
            .order_by("pk")
        }
        own = _own_ratings(set(reviews), assessor_role)
        pending = _checked_rows(rows, results, reviews, own, codes)
        pending = _editable_rows(pending, results, reviews, cycle, assessor_role, reason_code)
        if pending:
            _write(
                pending,
                reviews,
                own,
                competencies,
                actor=actor,
                cycle=cycle,
                assessor_role=assessor_role,
                reason_code=reason_code,
                note=note,
            )
    _fill_now(results, assessor_role, codes)
    return GridSaveResult(rows=results)


# A row to write: its place in the request, its review's id, the revision it was read at, and
# the changes of the assessor's ratings (once checked).
@dataclass
class _Pending:
    index: int
    review_id: int
    revision: int
    values: dict[str, int]
    changes: list[RatingChange] = field(default_factory=list)


INVALID_ROW = _("Nothing of this row was saved: correct the values named.")


def _checked_rows(
    rows: Sequence[RowInput],
    results: list[RowResult],
    reviews: Mapping[int, Review],
    own: Mapping[int, Mapping[str, tuple[int, str]]],
    codes: Sequence[str],
) -> list[_Pending]:
    """The rows to write: not those of no review of the quarter, with invalid values, repeated,
    or giving the assessor's own ratings already (unchanged, whatever their revision)."""
    pending = []
    seen: set[int] = set()
    for index, row in enumerate(rows):
        result = results[index]
        repeated = row.review_id in seen
        seen.add(row.review_id)
        if row.review_id not in reviews:
            result.outcome = Outcome.NOT_FOUND
            result.message = str(_("No such review in this quarter."))
            continue
        given = {code: value for code, value in row.ratings.items() if str(value).strip() != ""}
        errors = _row_errors(index, given, codes)
        if repeated:
            errors.append(
                FieldError(
                    field=f"rows[{index}].review",
                    message=_("This review is already in another row of this save."),
                    code="repeated_row",
                    row=index,
                )
            )
        if errors:
            _refuse_invalid(result, errors)
            continue
        values = {code: int(str(value).strip()) for code, value in given.items()}
        mine = own.get(row.review_id, {})
        if all(code in mine and mine[code][0] == value for code, value in values.items()):
            result.outcome = Outcome.UNCHANGED
            continue
        pending.append(_Pending(index, row.review_id, row.revision, values))
    return pending


def _refuse_invalid(result: RowResult, errors: Sequence[FieldError]) -> None:
    result.outcome = Outcome.INVALID
    result.message = str(INVALID_ROW)
    result.errors = list(errors)


def _editable_rows(
    pending: list[_Pending],
    results: list[RowResult],
    reviews: Mapping[int, Review],
    cycle: ReviewCycle,
    assessor_role: str,
    reason_code: str,
) -> list[_Pending]:
    """The rows whose review may change as the rating of one review allows it: the quarter
    open, the review not approved (frozen), still at the row's revision (else stale), and a
    reason code given for a scored review."""
    if not pending:
        return []
    action = workflow.rating_action(assessor_role)
    assert action is not None  # require_assessor refused any other
    try:
        require_open(cycle.pk, action)
    except Conflict as closed:
        for row in pending:
            results[row.index].outcome = Outcome.FROZEN
            results[row.index].message = str(closed.message)
        return []
    editable = []
    for row in pending:
        result, review = results[row.index], reviews[row.review_id]
        refusal = edit_refusal(review, row.revision)
        if refusal is not None:
            result.outcome = Outcome.STALE if refusal.code == "stale" else Outcome.FROZEN
            result.message = str(STALE if result.outcome == Outcome.STALE else refusal.message)
            continue
        no_reason = reason_refusal(review.state, reason_code)
        if no_reason is not None:
            _refuse_invalid(result, _in_row(row.index, no_reason.errors))
            continue
        editable.append(row)
    return editable


def _in_row(index: int, errors: Sequence[FieldError]) -> list[FieldError]:
    return [
        FieldError(
            field=f"rows[{index}].{error.field}", message=error.message, code=error.code, row=index
        )
        for error in errors
    ]


def _write(
    pending: Sequence[_Pending],
    reviews: Mapping[int, Review],
    own: Mapping[int, Mapping[str, tuple[int, str]]],
    competencies: Mapping[str, Competency],
    *,
    actor: Any,
    cycle: ReviewCycle,
    assessor_role: str,
    reason_code: str,
    note: str,
) -> None:
    """Write the rows' ratings, their events, and each review's revision, what it lacks and its
    state, as `review_rate` writes one review's: a few statements for all the rows."""
    rated_by = events.actor_id(actor)
    ratings = []
    for row in pending:
        mine = own.get(row.review_id, {})
        # The comments written with the ratings (on the review's page) stay as they are.
        comments = {code: mine[code][1] for code in row.values if code in mine}
        row.changes = rating_changes(mine, row.values, comments)
        ratings += [
            CompetencyRating(
                review_id=row.review_id,
                competency=competencies[change.code],
                assessor_role=assessor_role,
                value=change.value,
                comment=change.comment,
                rated_by_id=rated_by,
            )
            for change in row.changes
        ]
    CompetencyRating.objects.bulk_create(
        ratings,
        update_conflicts=True,
        unique_fields=["review", "competency", "assessor_role"],
        update_fields=["value", "comment", "rated_by", "rated_at"],
    )
    ids = [row.review_id for row in pending]
    missing = reviews_missing(ids, to_scoring(current_policy(cycle)))
    changed: list[AuditEvent] = []
    states: dict[int, str] = {}
    for row in pending:
        review = reviews[row.review_id]
        row_events = rating_events(review, actor, assessor_role, row.changes)
        mark_reason(row_events, reason_code, note)
        states[review.pk] = state_after_change(review, actor, missing[review.pk], row_events)
        changed += row_events
    updated = Review.objects.filter(pk__in=ids).update(
        revision=F("revision") + 1,
        incomplete_reasons=Case(
            *[
                When(pk=review_id, then=Value(reasons, output_field=JSONField()))
                for review_id, reasons in missing.items()
            ],
            output_field=JSONField(),
        ),
        state=Case(
            *[When(pk=review_id, then=Value(state)) for review_id, state in states.items()],
            default=F("state"),
        ),
        updated_at=timezone.now(),
    )
    assert updated == len(ids)  # locked above: none went away
    AuditEvent.objects.bulk_create(changed)
    enqueue_scorings([pk for pk, state in states.items() if state == Review.State.SUBMITTED])


def _own_ratings(ids: set[int], assessor_role: str) -> dict[int, dict[str, tuple[int, str]]]:
    """The assessor's ratings of the reviews: {review id: {code: (value, comment)}}."""
    found: dict[int, dict[str, tuple[int, str]]] = {}
    for review_id, code, value, comment in CompetencyRating.objects.filter(
        review_id__in=ids, assessor_role=assessor_role
    ).values_list("review_id", "competency__code", "value", "comment"):
        found.setdefault(review_id, {})[code] = (value, comment)
    return found


def _row_errors(index: int, given: Mapping[str, Any], codes: Sequence[str]) -> list[FieldError]:
    """Each value of the row that is not a rating of a known competency, named by row and
    field (`rows[<index>].ratings.<code>`)."""
    errors = []
    for code, value in given.items():
        place = f"rows[{index}].ratings.{code}"
        if code not in codes:
            errors.append(FieldError(field=place, message=_("Unknown competency."), row=index))
        elif isinstance(value, bool) or str(value).strip() not in RATINGS:
            errors.append(
                FieldError(field=place, message=RATING_RANGE, code="rating_range", row=index)
            )
    return errors


def _fill_now(results: list[RowResult], assessor_role: str, codes: Sequence[str]) -> None:
    """Each row's review revision and the assessor's ratings as they are now (two queries)."""
    ids = {row.review_id for row in results if row.outcome != Outcome.NOT_FOUND}
    if not ids:
        return
    revisions = dict(Review.objects.filter(pk__in=ids).values_list("pk", "revision"))
    now = _own_ratings(ids, assessor_role)
    for row in results:
        if row.outcome == Outcome.NOT_FOUND:
            continue
        row.revision = revisions.get(row.review_id)
        ratings = now.get(row.review_id, {})
        row.theirs = {code: ratings[code][0] if code in ratings else None for code in codes}
