"""Improvement plans (绩效改进计划): created from a warned review, one open per employee,
check-ins and the outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from improvement import services
from improvement.models import Plan
from reviews.models import AuditEvent
from tests.helpers.improvement import plan, review_in, scored_low

DAY = dt.date(2026, 11, 5)


def test_hr_creates_a_plan_with_measurable_goals(personas, fresh_quarter) -> None:
    review = scored_low(personas)
    created = plan(personas, review)
    assert created.employee == review.employee and created.is_open
    assert [(g.description, str(g.target_value), g.target_unit) for g in created.goals.all()] == [
        ("目标 1", "90.0000", "%"),
        ("目标 2", "90.0000", "%"),
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.PLAN_CHANGED)
    assert event.params == {
        "plan": created.pk,
        "change": "created",
        "goals": 2,
        "ends_on": "2027-01-31",
    }


@pytest.mark.parametrize("name", ["head", "director", "employee", "outsider"])
def test_only_hr_creates_a_plan(personas, fresh_quarter, name) -> None:
    review = scored_low(personas)
    with pytest.raises(NotAllowed):
        services.plan_create(actor=personas[name], review=review, ends_on=DAY, goals=[])


def test_a_plan_starts_from_a_warned_review(personas, fresh_quarter) -> None:
    with pytest.raises(Conflict) as refused:
        plan(personas, review_in(personas, "2026Q3"))
    assert refused.value.code == "not_warned"


@pytest.mark.usefixtures("in_english")
def test_an_employee_has_one_open_plan_at_a_time(personas, fresh_quarter) -> None:
    review = scored_low(personas)
    first = plan(personas, review)
    with pytest.raises(Conflict) as refused:
        plan(personas, review)
    assert refused.value.code == "plan_open"
    assert "one open plan at a time" in str(refused.value.message)
    services.plan_judge(actor=personas["hr"], plan=first, outcome="passed")
    assert plan(personas, review).is_open


def test_goals_are_checked_field_by_field(personas, fresh_quarter) -> None:
    review = scored_low(personas)
    with pytest.raises(ValidationFailed) as refused:
        services.plan_create(
            actor=personas["hr"],
            review=review,
            starts_on=dt.date(2026, 10, 1),
            ends_on=dt.date(2026, 12, 31),
            goals=[
                services.GoalInput(description="", due_on=dt.date(2027, 3, 1)),
                services.GoalInput(description="回款", target_value="9,5", due_on=None),
            ],
        )
    assert {error.field for error in refused.value.errors} == {
        "goals[0].description",
        "goals[0].target_text",
        "goals[0].due_on",
        "goals[1].target_value",
        "goals[1].target_unit",
        "goals[1].due_on",
    }
    assert not Plan.objects.exists()


def test_check_ins_by_hr_or_the_head(personas, fresh_quarter) -> None:
    created = plan(personas, scored_low(personas))
    goal = created.goals.first()
    assert goal is not None
    check_in = services.plan_check_in(
        actor=personas["head"], plan=created, held_on=DAY, progress={goal.pk: "完成 80%"}
    )
    assert [p.progress for p in check_in.progress.all()] == ["完成 80%"]
    services.plan_check_in(actor=personas["hr"], plan=created, held_on=DAY, overall="进展正常")
    for name in ("director", "employee", "other_employee"):
        with pytest.raises(NotAllowed):
            services.plan_check_in(actor=personas[name], plan=created, held_on=DAY, overall="x")
    with pytest.raises(ValidationFailed) as refused:
        services.plan_check_in(
            actor=personas["hr"], plan=created, held_on=DAY, progress={999999: "x"}
        )
    assert {e.field for e in refused.value.errors} == {"progress[999999]", "overall"}


def test_judging_extended_needs_a_later_end_and_keeps_it_open(personas, fresh_quarter) -> None:
    created = plan(personas, scored_low(personas))
    with pytest.raises(ValidationFailed):
        services.plan_judge(actor=personas["hr"], plan=created, outcome="extended")
    with pytest.raises(ValidationFailed):
        services.plan_judge(actor=personas["hr"], plan=created, outcome="maybe")
    with pytest.raises(NotAllowed):
        services.plan_judge(actor=personas["head"], plan=created, outcome="passed")
    extended = services.plan_judge(
        actor=personas["hr"],
        plan=created,
        outcome="extended",
        ends_on=dt.date(2027, 3, 31),
        reason="再给一个季度",
    )
    assert extended.is_open and extended.ends_on == dt.date(2027, 3, 31)
    failed = services.plan_judge(actor=personas["hr"], plan=extended, outcome="failed")
    assert not failed.is_open and failed.outcome == "failed"
    with pytest.raises(Conflict) as refused:
        services.plan_check_in(actor=personas["hr"], plan=failed, held_on=DAY, overall="x")
    assert refused.value.code == "plan_closed"
    outcomes = [
        (event.params or {}).get("outcome")
        for event in AuditEvent.objects.filter(action=AuditEvent.Action.PLAN_CHANGED)
    ]
    assert outcomes == [None, "extended", "failed"]
