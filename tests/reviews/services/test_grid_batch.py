"""The rating grid saves all its rows at once (reviews.services.grid): the same result as the
rating of one review (`review_rate`) row by row, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from departments.models import Employee
from hrperf.lib.errors import Conflict, ValidationFailed
from reviews import services
from reviews.models import AuditEvent, CompetencyRating, Review
from reviews.services.grid import Outcome, RowInput, grid_rate
from tests.helpers.api import SHORT_COMPETENCIES
from tests.helpers.quarters import complete, review_of

pytestmark = pytest.mark.django_db

ROLES = {"hr": "hr", "director": "marketing_director"}


class Undo(Exception):
    """Raised to undo one way of saving, so that the other starts from the same data."""


def _many_reviews(personas, departments, count: int) -> list[Review]:
    """`count` more reviews in SALES (with its KPI line), generated with the quarter's."""
    for number in range(count):
        Employee.objects.create(
            employee_no=f"E9{number:04d}",
            name=f"员工{number}",
            department=departments["SALES"],
            position="销售代表",
        )
    cycle = services.cycle_open(actor=personas["hr"], period="2026Q4")
    services.reviews_generate_chunk(cycle_id=cycle.pk)
    return list(
        Review.objects.filter(cycle=cycle, employee__employee_no__startswith="E9").order_by("pk")
    )


def _scored(personas, review: Review) -> Review:
    review = complete(personas, review, "60", 3, 3)
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    return review


def _state_of(ids: list[int], after_event: int) -> dict[str, Any]:
    """What a save leaves: every rating, each review's revision, state and missing inputs, and
    the events written since `after_event`."""
    return {
        "ratings": sorted(
            CompetencyRating.objects.filter(review_id__in=ids).values_list(
                "review_id", "assessor_role", "competency__code", "value", "comment", "rated_by_id"
            )
        ),
        "reviews": list(
            Review.objects.filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "revision", "state", "incomplete_reasons")
        ),
        "events": sorted(
            (
                e.review_id,
                e.action,
                e.field,
                e.from_value,
                e.to_value,
                e.reason,
                e.actor_id,
                sorted((e.params or {}).items()),
            )
            for e in AuditEvent.objects.filter(pk__gt=after_event)
        ),
    }


def _one_by_one(actor, role: str, rows: list[RowInput], reason_code: str, note: str) -> None:
    """The rows saved as the grid saved them before: each through `review_rate`, alone (a
    review of another quarter, or one in an earlier row, left out)."""
    seen: set[int] = set()
    for row in rows:
        if row.review_id in seen or not Review.objects.filter(pk=row.review_id).exists():
            continue
        seen.add(row.review_id)
        own = dict(
            CompetencyRating.objects.filter(
                review_id=row.review_id, assessor_role=role
            ).values_list("competency__code", "comment")
        )
        try:
            with transaction.atomic():
                services.review_rate(
                    actor=actor,
                    review=Review.objects.get(pk=row.review_id),
                    assessor_role=role,
                    ratings=row.ratings,
                    comments={code: own[code] for code in row.ratings if code in own},
                    expected_revision=row.revision,
                    reason_code=reason_code,
                    note=note,
                )
        except (Conflict, ValidationFailed):
            pass


def _both_ways(actor, role, rows, reason_code="", note="") -> tuple[dict, dict, Any]:
    ids = [row.review_id for row in rows]
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with pytest.raises(Undo), transaction.atomic():
        _one_by_one(actor, role, rows, reason_code, note)
        one_by_one = _state_of(ids, last)
        raise Undo
    with pytest.raises(Undo), transaction.atomic():
        result = grid_rate(
            actor=actor,
            cycle=Review.objects.get(pk=ids[0]).cycle,
            assessor_role=role,
            rows=rows,
            reason_code=reason_code,
            note=note,
        )
        at_once = _state_of(ids, last)
        raise Undo
    return one_by_one, at_once, result


@pytest.mark.parametrize("persona", ["hr", "director"])
@pytest.mark.parametrize(("reason_code", "note"), [("", ""), ("calibration", "校准会议")])
def test_the_grid_saves_what_rating_row_by_row_saves(
    personas, fresh_quarter, departments, persona, reason_code, note
):
    role = ROLES[persona]
    draft, partly, submitted, scored, stale_one, unchanged = _many_reviews(personas, departments, 6)
    # One rated in part, with a comment that stays.
    services.review_rate(
        actor=personas[persona],
        review=partly,
        assessor_role=role,
        ratings={"culture": 2, "customers": 3},
        comments={"culture": "言行一致"},
    )
    submitted = services.review_submit(
        actor=personas["hr"], review=complete(personas, submitted, "80", 4, 4)
    )
    scored = _scored(personas, scored)
    services.review_rate(
        actor=personas[persona],
        review=unchanged,
        assessor_role=role,
        ratings=dict.fromkeys(SHORT_COMPETENCIES, 5),
    )
    reviews = [Review.objects.get(pk=r.pk) for r in (draft, partly, submitted, scored, unchanged)]
    rows = [
        RowInput(review_id=r.pk, revision=r.revision, ratings=dict.fromkeys(SHORT_COMPETENCIES, 5))
        for r in reviews
    ]
    rows.insert(2, RowInput(review_id=partly.pk, revision=1, ratings={"culture": 5}))
    rows.append(RowInput(review_id=stale_one.pk, revision=7, ratings={"culture": 5}))
    rows.append(RowInput(review_id=draft.pk + 10_000, revision=1, ratings={"culture": 5}))
    rows.append(RowInput(review_id=unchanged.pk, revision=1, ratings={"learning": "9"}))

    one_by_one, at_once, result = _both_ways(personas[persona], role, rows, reason_code, note)

    assert at_once == one_by_one
    assert at_once["events"], "the save changed something"
    outcomes = [row.outcome for row in result.rows]
    assert outcomes == [
        Outcome.SAVED,
        Outcome.SAVED,
        Outcome.INVALID,  # the review is in an earlier row
        Outcome.SAVED,
        Outcome.SAVED if reason_code else Outcome.INVALID,  # the scored review
        Outcome.UNCHANGED,
        Outcome.STALE,
        Outcome.NOT_FOUND,
        Outcome.INVALID,
    ]
    states = {pk: state for pk, _, state, _ in at_once["reviews"]}
    assert states[submitted.pk] == Review.State.SUBMITTED
    assert states[scored.pk] == (Review.State.SUBMITTED if reason_code else Review.State.SCORED)
    if not reason_code:
        refused = result.rows[4]
        assert [(e.field, e.code) for e in refused.errors] == [
            ("rows[4].reason_code", "reason_required")
        ]


def test_a_scored_row_keeps_the_reason_in_its_events_and_goes_back_to_the_worker(
    personas, fresh_quarter, departments
):
    (review,) = _many_reviews(personas, departments, 1)
    review = _scored(personas, review)
    result = grid_rate(
        actor=personas["hr"],
        cycle=review.cycle,
        assessor_role="hr",
        rows=[RowInput(review_id=review.pk, revision=review.revision, ratings={"culture": 5})],
        reason_code="new_evidence",
        note="客户表扬信",
    )
    assert result.saved == 1
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED
    rating = AuditEvent.objects.filter(review=review, action="rating").latest("pk")
    assert (rating.params or {})["reason_code"] == "new_evidence"
    assert rating.reason == "客户表扬信"
    state = AuditEvent.objects.filter(review=review, action="state").latest("pk")
    assert (state.params or {}) == {"from": "scored", "to": "submitted", "cause": "inputs_changed"}


def test_an_unknown_reason_code_refuses_the_whole_save(personas, fresh_quarter):
    review = review_of(personas, "employee")
    with pytest.raises(ValidationFailed) as refused:
        grid_rate(
            actor=personas["hr"],
            cycle=fresh_quarter,
            assessor_role="hr",
            rows=[RowInput(review_id=review.pk, revision=1, ratings={"culture": 4})],
            reason_code="whim",
        )
    assert refused.value.errors[0].field == "reason_code"
    assert not CompetencyRating.objects.filter(review=review).exists()


def _rows_of(reviews: list[Review]) -> list[RowInput]:
    # One competency a row: SQLite splits an insert of more than 999 values (PostgreSQL never).
    return [RowInput(review_id=r.pk, revision=r.revision, ratings={"culture": 4}) for r in reviews]


def test_the_queries_do_not_grow_with_the_rows(
    personas, fresh_quarter, departments, django_assert_num_queries
):
    reviews = _many_reviews(personas, departments, 55)
    cycle = reviews[0].cycle
    with CaptureQueriesContext(connection) as five:
        result = grid_rate(
            actor=personas["hr"], cycle=cycle, assessor_role="hr", rows=_rows_of(reviews[:5])
        )
    assert result.saved == 5
    assert len(five) <= 16
    with django_assert_num_queries(len(five)):
        result = grid_rate(
            actor=personas["hr"], cycle=cycle, assessor_role="hr", rows=_rows_of(reviews[5:])
        )
    assert result.saved == 50
