"""Rating many reviews at once, as one assessor (the rating grid of a quarter).

Each row is `(review id, the revision it was read at, {competency code: 1–5})` and goes, in its
own savepoint, through the rating of one review (`services.inputs.review_rate`): the same
check of the assessor (the workflow table), of the state (an approved review is frozen) and of
the revision, the same `rating` events. A row is refused alone (changed meanwhile, invalid,
frozen, not in the quarter) and nothing of it is written; the others are saved. A row whose
values are the assessor's own already is left alone (unchanged), whatever its revision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from departments.models import Competency
from hrperf.lib.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from reviews import workflow
from reviews.models import CompetencyRating, Review, ReviewCycle
from reviews.services.common import field_error, require
from reviews.services.inputs import RATING_RANGE, RATINGS, review_rate

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
) -> GridSaveResult:
    """Save many rows of one assessor's ratings of the quarter's reviews, each row alone."""
    require_assessor(actor=actor, assessor_role=assessor_role)
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
    codes = list(Competency.objects.order_by("order").values_list("code", flat=True))
    ids = {row.review_id for row in rows}
    reviews = {
        review.pk: review
        for review in Review.objects.filter(cycle=cycle, pk__in=ids).only(
            "pk", "cycle_id", "state", "revision"
        )
    }
    own = _own_ratings(ids, assessor_role)
    results: list[RowResult] = []
    seen: set[int] = set()
    with transaction.atomic():
        for index, row in enumerate(rows):
            result = _save_row(
                index,
                row,
                actor=actor,
                assessor_role=assessor_role,
                review=reviews.get(row.review_id),
                own=own.get(row.review_id, {}),
                codes=codes,
                repeated=row.review_id in seen,
            )
            seen.add(row.review_id)
            results.append(result)
    _fill_now(results, assessor_role, codes)
    return GridSaveResult(rows=results)


def _own_ratings(ids: set[int], assessor_role: str) -> dict[int, dict[str, tuple[int, str]]]:
    """The assessor's ratings of the reviews: {review id: {code: (value, comment)}}."""
    found: dict[int, dict[str, tuple[int, str]]] = {}
    for review_id, code, value, comment in CompetencyRating.objects.filter(
        review_id__in=ids, assessor_role=assessor_role
    ).values_list("review_id", "competency__code", "value", "comment"):
        found.setdefault(review_id, {})[code] = (value, comment)
    return found


def _save_row(
    index: int,
    row: RowInput,
    *,
    actor: Any,
    assessor_role: str,
    review: Review | None,
    own: Mapping[str, tuple[int, str]],
    codes: Sequence[str],
    repeated: bool,
) -> RowResult:
    yours = dict(row.ratings)
    result = RowResult(index=index, review_id=row.review_id, outcome=Outcome.SAVED, yours=yours)
    if review is None:
        result.outcome = Outcome.NOT_FOUND
        result.message = str(_("No such review in this quarter."))
        return result
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
        result.outcome = Outcome.INVALID
        result.errors = errors
        result.message = str(_("Nothing of this row was saved: correct the values named."))
        return result
    values = {code: int(str(value).strip()) for code, value in given.items()}
    if all(code in own and own[code][0] == value for code, value in values.items()):
        result.outcome = Outcome.UNCHANGED
        return result
    # The comments written with the ratings (on the review's page) stay as they are.
    comments = {code: own[code][1] for code in values if code in own}
    try:
        with transaction.atomic():
            review_rate(
                actor=actor,
                review=review,
                assessor_role=assessor_role,
                ratings=values,
                comments=comments,
                expected_revision=row.revision,
            )
    except Conflict as refused:
        result.outcome = Outcome.STALE if refused.code == "stale" else Outcome.FROZEN
        result.message = str(STALE if result.outcome == Outcome.STALE else refused.message)
    except ValidationFailed as failed:
        result.outcome = Outcome.INVALID
        result.message = str(_("Nothing of this row was saved: correct the values named."))
        result.errors = [
            FieldError(
                field=f"rows[{index}].{error.field}",
                message=error.message,
                code=error.code,
                row=index,
            )
            for error in failed.errors
        ]
    return result


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
