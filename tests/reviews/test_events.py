"""The audit trail's events: each kind with its structured parameters, the columns every event
fills, and events written before parameters existed still read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User

from appeals import events as appeal_events
from calendars import events as calendar_events
from improvement import events as improvement_events
from reviews import events
from reviews.models import AuditEvent, Review
from selfassessments import events as self_assessment_events


def test_a_state_change_by_a_person_keeps_their_reason() -> None:
    person = User(pk=7, username="director")
    event = events.state_changed(
        cycle_id=1,
        review_id=2,
        actor=person,
        from_state="scored",
        to_state="returned",
        reason="请核对实际值",
    )
    assert (event.action, event.field, event.from_value, event.to_value) == (
        "state",
        "state",
        "scored",
        "returned",
    )
    assert (event.reason, event.actor_id) == ("请核对实际值", 7)
    assert event.params == {"from": "scored", "to": "returned"}


def test_a_state_change_by_the_system_names_its_cause_not_a_reason() -> None:
    event = events.state_changed(
        cycle_id=1,
        review_id=2,
        actor=None,
        from_state="scored",
        to_state="submitted",
        cause=events.INPUTS_CHANGED,
    )
    assert event.reason == ""
    assert event.params == {"from": "scored", "to": "submitted", "cause": "inputs_changed"}
    assert event.actor_id is None


def test_an_anonymous_actor_is_recorded_as_nobody() -> None:
    event = events.quarter_opened(cycle_id=1, actor=AnonymousUser(), period="2026Q3")
    assert event.actor_id is None
    assert (event.action, event.to_value, event.params) == (
        "cycle_opened",
        "2026Q3",
        {"period": "2026Q3"},
    )


def test_a_score_records_grade_and_revision_as_parameters() -> None:
    event = events.scored(cycle_id=1, review_id=2, total=Decimal("92.04"), grade="A", revision=4)
    assert (event.action, event.field, event.to_value, event.reason) == (
        "scored",
        "total_score",
        "92.04",
        "",
    )
    assert event.params == {"grade": "A", "revision": 4}


def test_a_figure_and_a_rating_name_what_changed() -> None:
    figure = events.figure_changed(
        cycle_id=1,
        review_id=2,
        actor=None,
        kpi="SALES_REVENUE",
        figure="target",
        before=None,
        after=Decimal("5000000"),
    )
    assert (figure.field, figure.from_value, figure.to_value) == (
        "SALES_REVENUE.target",
        "",
        "5000000",
    )
    assert figure.params == {"kpi": "SALES_REVENUE", "figure": "target"}
    rating = events.rating_changed(
        cycle_id=1,
        review_id=2,
        actor=None,
        assessor="hr",
        competency="culture_loyalty",
        before=3,
        after=5,
    )
    assert (rating.field, rating.params) == (
        "hr.culture_loyalty",
        {"assessor": "hr", "competency": "culture_loyalty"},
    )


def test_long_values_are_cut_to_their_column() -> None:
    event = events.policy_changed(
        cycle_id=1, actor=None, setting="band_s", before="9" * 500, after=Decimal(95)
    )
    assert len(event.from_value) == 200
    assert event.params == {"setting": "band_s"}


def test_every_constructor_writes_an_action_of_the_fixed_set() -> None:
    review = Review(pk=2, cycle_id=1)
    made = [
        events.review_created(cycle_id=1, review_id=2, state="draft"),
        events.state_changed(cycle_id=1, review_id=2, actor=None, from_state="a", to_state="b"),
        events.figure_changed(
            cycle_id=1, review_id=2, actor=None, kpi="K", figure="actual", before=1, after=2
        ),
        events.rating_changed(
            cycle_id=1, review_id=2, actor=None, assessor="hr", competency="c", before=1, after=2
        ),
        events.scored(cycle_id=1, review_id=2, total=Decimal(1), grade="D", revision=1),
        events.warning_acknowledged(cycle_id=1, review_id=2, actor=None, note="谈过了"),
        events.quarter_opened(cycle_id=1, actor=None, period="2026Q3"),
        events.quarter_closed(cycle_id=1, actor=None, period="2026Q3"),
        events.quarter_reopened(cycle_id=1, actor=None, period="2026Q3", reason="更正"),
        events.policy_changed(cycle_id=1, actor=None, setting="kpi_share", before=80, after=70),
        events.group_locked(
            cycle_id=1,
            actor=None,
            group="quarter",
            basis="relative",
            size=7,
            seats={"S": 1, "A": 1, "B": 3, "C": 1, "D": 1},
            lock_id=3,
            reason="校准会议",
        ),
        events.grade_calibrated(
            cycle_id=1,
            review_id=2,
            actor=None,
            group="quarter",
            basis="relative",
            before="A",
            after="S",
            rank=1,
            lock_id=3,
        ),
        # the employee's side of the quarter: each app builds its own
        calendar_events.deadlines_changed(
            cycle_id=1, actor=None, before={}, after={"rating_due": date(2026, 10, 16)}
        ),
        self_assessment_events.self_assessed(
            cycle_id=1, review_id=2, actor=None, self_assessment_id=3
        ),
        appeal_events.result_confirmed(
            cycle_id=1, review_id=2, actor=None, version=1, how="employee"
        ),
        appeal_events.appeal_filed(
            cycle_id=1, review_id=2, actor=None, appeal_id=3, version=1, items=["whole"]
        ),
        appeal_events.appeal_answered(
            cycle_id=1,
            review_id=2,
            actor=None,
            appeal_id=3,
            version=1,
            status="rejected",
            reason="已核对",
        ),
        improvement_events.conversation_recorded(
            review=review, actor=None, conversation_id=3, held_on=date(2026, 10, 9), actions=1
        ),
        improvement_events.conversation_acknowledged(
            review=review, actor=None, conversation_id=3, comment=""
        ),
        improvement_events.plan_created(
            review=review, actor=None, plan_id=3, goals=2, ends_on=date(2026, 12, 31)
        ),
        improvement_events.written_warning_made(
            review=review, written_warning_id=3, periods=["2026Q1", "2026Q3"], needed=2, within=4
        ),
    ]
    assert {event.action for event in made} == set(AuditEvent.Action.values)
    assert all(event.params is not None for event in made)


@pytest.mark.parametrize(
    ("columns", "params", "reason"),
    [
        (
            {
                "action": "state",
                "from_value": "submitted",
                "to_value": "draft",
                "reason": "incomplete",
            },
            {"from": "submitted", "to": "draft", "cause": "incomplete"},
            "",
        ),
        (
            {
                "action": "state",
                "from_value": "scored",
                "to_value": "submitted",
                "reason": "inputs changed",
            },
            {"from": "scored", "to": "submitted", "cause": "inputs_changed"},
            "",
        ),
        (
            {"action": "state", "from_value": "scored", "to_value": "returned", "reason": "请核对"},
            {"from": "scored", "to": "returned"},
            "请核对",
        ),
        (
            {"action": "figure", "field": "SALES_REVENUE.actual", "to_value": "1"},
            {"kpi": "SALES_REVENUE", "figure": "actual"},
            "",
        ),
        (
            {"action": "rating", "field": "marketing_director.culture_loyalty"},
            {"assessor": "marketing_director", "competency": "culture_loyalty"},
            "",
        ),
        ({"action": "scored", "to_value": "92.04", "reason": "grade A, revision 4"}, {}, ""),
    ],
)
def test_an_event_written_before_parameters_existed_still_reads(
    columns: dict[str, str], params: dict[str, str], reason: str
) -> None:
    event = AuditEvent(cycle_id=1, params=None, **columns)
    assert events.params_of(event) == params
    assert events.reason_of(event) == reason
