"""Saving many rows of one assessor's ratings at once: each row alone, through the rating of
one review (its revision check, its events)."""

from __future__ import annotations

import pytest

from hrperf.lib.errors import NotAllowed, ValidationFailed
from reviews import services
from reviews.models import AuditEvent, CompetencyRating, Review
from reviews.services.grid import MAX_ROWS, Outcome, RowInput, grid_rate
from tests.helpers.api import SHORT_COMPETENCIES
from tests.helpers.pages import approve
from tests.helpers.quarters import review_of

pytestmark = pytest.mark.django_db

FOURS = dict.fromkeys(SHORT_COMPETENCIES, 4)


def _rows(*reviews: Review, ratings=FOURS) -> list[RowInput]:
    return [RowInput(review_id=r.pk, revision=r.revision, ratings=ratings) for r in reviews]


def _own(review: Review, role: str = "hr") -> dict[str, int]:
    return dict(
        CompetencyRating.objects.filter(review=review, assessor_role=role).values_list(
            "competency__code", "value"
        )
    )


def test_saves_many_rows_with_the_events_of_one_rating(personas, fresh_quarter):
    head, employee = review_of(personas, "head"), review_of(personas, "employee")
    result = grid_rate(
        actor=personas["hr"], cycle=fresh_quarter, assessor_role="hr", rows=_rows(head, employee)
    )
    assert (result.saved, result.unchanged, result.refused) == (2, 0, 0)
    for review in (head, employee):
        assert _own(review) == FOURS
        events = AuditEvent.objects.filter(review=review, action=AuditEvent.Action.RATING)
        params = [e.params or {} for e in events]
        assert {p["competency"] for p in params} == set(SHORT_COMPETENCIES)
        assert {p["assessor"] for p in params} == {"hr"}
    saved = result.by_review()
    head.refresh_from_db()
    assert saved[head.pk].revision == head.revision == 2
    assert saved[head.pk].theirs == FOURS


def test_a_stale_row_is_refused_alone_with_theirs_and_yours(personas, fresh_quarter):
    head, employee = review_of(personas, "head"), review_of(personas, "employee")
    rows = _rows(head, employee)
    # Someone else rates the employee's review meanwhile.
    services.review_rate(
        actor=personas["hr"],
        review=employee,
        assessor_role="hr",
        ratings=dict.fromkeys(SHORT_COMPETENCIES, 2),
    )
    events_before = AuditEvent.objects.filter(review=employee).count()
    result = grid_rate(actor=personas["hr"], cycle=fresh_quarter, assessor_role="hr", rows=rows)
    outcome = result.by_review()
    assert outcome[head.pk].outcome == Outcome.SAVED
    assert outcome[employee.pk].outcome == Outcome.STALE
    assert outcome[employee.pk].theirs == dict.fromkeys(SHORT_COMPETENCIES, 2)
    assert outcome[employee.pk].yours == FOURS
    assert outcome[employee.pk].revision == 2
    assert (result.saved, result.refused) == (1, 1)
    assert _own(employee) == dict.fromkeys(SHORT_COMPETENCIES, 2)
    assert AuditEvent.objects.filter(review=employee).count() == events_before
    assert _own(head) == FOURS


def test_invalid_values_are_named_with_row_and_field_nothing_of_the_row_written(
    personas, fresh_quarter
):
    head, employee = review_of(personas, "head"), review_of(personas, "employee")
    rows = [
        RowInput(review_id=head.pk, revision=1, ratings={"culture": 4, "customers": "7"}),
        RowInput(review_id=employee.pk, revision=1, ratings={"culture": 3, "nope": 2}),
        *_rows(review_of(personas, "other_employee")),
    ]
    result = grid_rate(actor=personas["hr"], cycle=fresh_quarter, assessor_role="hr", rows=rows)
    outcome = result.by_review()
    assert outcome[head.pk].outcome == Outcome.INVALID
    assert [(e.field, e.code, e.row) for e in outcome[head.pk].errors] == [
        ("rows[0].ratings.customers", "rating_range", 0)
    ]
    assert [e.field for e in outcome[employee.pk].errors] == ["rows[1].ratings.nope"]
    assert _own(head) == {} and _own(employee) == {}
    assert Review.objects.get(pk=head.pk).revision == 1
    assert (result.saved, result.refused) == (1, 2)


def test_unchanged_rows_write_nothing_and_keep_comments(personas, fresh_quarter):
    review = review_of(personas)
    review = services.review_rate(
        actor=personas["hr"],
        review=review,
        assessor_role="hr",
        ratings=FOURS,
        comments={"culture": "steady"},
    )
    result = grid_rate(
        actor=personas["hr"],
        cycle=fresh_quarter,
        assessor_role="hr",
        rows=[RowInput(review_id=review.pk, revision=1, ratings=FOURS)],  # an old revision
    )
    assert result.rows[0].outcome == Outcome.UNCHANGED
    changed = {**FOURS, "learning": 5}
    result = grid_rate(
        actor=personas["hr"],
        cycle=fresh_quarter,
        assessor_role="hr",
        rows=[RowInput(review_id=review.pk, revision=review.revision, ratings=changed)],
    )
    assert result.rows[0].outcome == Outcome.SAVED
    assert (
        CompetencyRating.objects.get(
            review=review, assessor_role="hr", competency__code="culture"
        ).comment
        == "steady"
    )


def test_blank_cells_give_no_rating(personas, fresh_quarter):
    review = review_of(personas)
    rows = [RowInput(review_id=review.pk, revision=1, ratings={"culture": "3", "customers": ""})]
    result = grid_rate(actor=personas["hr"], cycle=fresh_quarter, assessor_role="hr", rows=rows)
    assert result.rows[0].outcome == Outcome.SAVED
    assert _own(review) == {"culture": 3}


def test_frozen_foreign_and_repeated_rows_are_refused(personas, page_quarter):
    reviews = page_quarter.reviews
    approved = approve(personas, reviews["E00002"])
    other = reviews["E00003"]
    rows = [
        RowInput(review_id=approved.pk, revision=approved.revision, ratings={"culture_loyalty": 1}),
        RowInput(review_id=987654, revision=1, ratings={}),
        RowInput(review_id=other.pk, revision=other.revision, ratings={"culture_loyalty": 2}),
        RowInput(review_id=other.pk, revision=other.revision, ratings={"culture_loyalty": 3}),
    ]
    result = grid_rate(
        actor=personas["director"],
        cycle=page_quarter.cycle,
        assessor_role="marketing_director",
        rows=rows,
    )
    assert [row.outcome for row in result.rows] == [
        Outcome.FROZEN,
        Outcome.NOT_FOUND,
        Outcome.SAVED,
        Outcome.INVALID,
    ]
    assert result.rows[3].errors[0].code == "repeated_row"


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("director", "hr"),
        ("hr", "marketing_director"),
        ("head", "hr"),
        ("employee", "hr"),
        ("other_employee", "marketing_director"),
        ("outsider", "hr"),
    ],
)
def test_only_the_assessors_role_rates_as_that_assessor(personas, fresh_quarter, persona, role):
    review = review_of(personas)
    with pytest.raises(NotAllowed):
        grid_rate(
            actor=personas[persona], cycle=fresh_quarter, assessor_role=role, rows=_rows(review)
        )
    assert _own(review, role) == {}


def test_nobody_rates_as_self_and_an_unknown_assessor_is_named(personas, fresh_quarter):
    review = review_of(personas)
    with pytest.raises(NotAllowed) as refused:
        grid_rate(actor=personas["hr"], cycle=fresh_quarter, assessor_role="self", rows=[])
    assert refused.value.code == "self_assessment_only"
    with pytest.raises(ValidationFailed) as failed:
        grid_rate(actor=personas["hr"], cycle=fresh_quarter, assessor_role="x", rows=_rows(review))
    assert failed.value.errors[0].field == "assessor_role"


def test_too_many_rows_are_refused_whole(personas, fresh_quarter):
    review = review_of(personas)
    rows = _rows(review) * (MAX_ROWS + 1)
    with pytest.raises(ValidationFailed) as failed:
        grid_rate(actor=personas["hr"], cycle=fresh_quarter, assessor_role="hr", rows=rows)
    assert failed.value.errors[0].code == "too_many_rows"
