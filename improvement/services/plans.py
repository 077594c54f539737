"""Improvement plans (绩效改进计划): HR starts one from a warned review, with measurable goals;
HR or the head of the department records check-ins; HR judges the outcome (passed, extended
with a new end date, failed) against the next quarter's review. An employee has one open plan
at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrperf.lib.decimals import NumberRefused, NumberRule, read_number
from hrperf.lib.errors import Conflict, ErrorList
from improvement import events
from improvement.models import CheckIn, Goal, GoalProgress, Plan
from improvement.selectors import open_plan_of
from improvement.services.common import (
    date,
    require,
    require_hr_or_head_of,
    text,
    today,
)
from reviews.models import Review
from reviews.workflow import Action

MAX_GOALS = 10
TARGET_RULE = NumberRule(places=4, below=Decimal(10) ** 14)


@dataclass(frozen=True)
class GoalInput:
    """A measurable goal: its target as text ("all complaints answered within 2 days"), or a
    number (as typed, read strictly) with its unit."""

    description: str
    due_on: dt.date | None
    target_text: str = ""
    target_value: str = ""
    target_unit: str = ""


def _one_open_plan(plan: Plan) -> Conflict:
    return Conflict(
        gettext(
            "%(name)s already has an open improvement plan (started %(start)s, ending "
            "%(end)s): an employee has one open plan at a time; judge it first."
        )
        % {
            "name": plan.employee.name,
            "start": plan.starts_on.isoformat(),
            "end": plan.ends_on.isoformat(),
        },
        code="plan_open",
    )


def plan_create(
    *,
    actor: Any,
    review: Review,
    ends_on: dt.date | None,
    goals: Sequence[GoalInput],
    starts_on: dt.date | None = None,
) -> Plan:
    """Start an improvement plan from a review with a verbal warning."""
    roles = require(Action.CREATE_PLAN, actor)
    require_hr_or_head_of(roles, review)
    if not review.verbal_warning:
        raise Conflict(
            _("An improvement plan starts from a review with a verbal warning; this has none."),
            code="not_warned",
        )
    existing = open_plan_of(employee_id=review.employee_id)
    if existing is not None:
        raise _one_open_plan(existing)
    errors = ErrorList()
    start = date(errors, "starts_on", starts_on or today())
    errors.raise_if_any()
    assert start is not None
    end = date(errors, "ends_on", ends_on, not_before=start + dt.timedelta(days=1))
    rows = _goals(errors, goals, start, end)
    errors.raise_if_any()
    assert end is not None
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                employee_id=review.employee_id,
                review=review,
                starts_on=start,
                ends_on=end,
                created_by=actor,
            )
            Goal.objects.bulk_create(
                Goal(plan=plan, order=order, **row) for order, row in enumerate(rows, start=1)
            )
            events.plan_created(
                review=review, actor=actor, plan_id=plan.pk, goals=len(rows), ends_on=end
            ).save()
    except IntegrityError:
        # Another plan was opened meanwhile: the database keeps one open plan per employee.
        existing = open_plan_of(employee_id=review.employee_id)
        if existing is None:
            raise
        raise _one_open_plan(existing) from None
    return plan


def _goals(
    errors: ErrorList, goals: Sequence[GoalInput], start: dt.date, end: dt.date | None
) -> list[dict[str, Any]]:
    if not goals:
        errors.add("goals", _("Set at least one measurable goal."), "required")
        return []
    if len(goals) > MAX_GOALS:
        errors.add("goals", _("Set at most 10 goals."), "too_many")
        return []
    return [_goal(errors, f"goals[{index}]", goal, start, end) for index, goal in enumerate(goals)]


def _goal(
    errors: ErrorList, name: str, goal: GoalInput, start: dt.date, end: dt.date | None
) -> dict[str, Any]:
    target_text = text(errors, f"{name}.target_text", goal.target_text, required=False, limit=200)
    unit = text(errors, f"{name}.target_unit", goal.target_unit, required=False, limit=20)
    value: Decimal | None = None
    if (goal.target_value or "").strip():
        try:
            value = read_number(goal.target_value, TARGET_RULE)
        except NumberRefused as refused:
            errors.add(f"{name}.target_value", refused.message, refused.code)
        if not unit:
            errors.add(f"{name}.target_unit", _("Give the unit of the target figure."), "required")
    elif not target_text:
        errors.add(
            f"{name}.target_text",
            _("Give a target: as text, or a figure with its unit."),
            "required",
        )
    return {
        "description": text(errors, f"{name}.description", goal.description, required=True),
        "target_text": target_text,
        "target_value": value,
        "target_unit": unit,
        "due_on": date(errors, f"{name}.due_on", goal.due_on, not_before=start, not_after=end),
    }


def plan_check_in(
    *,
    actor: Any,
    plan: Plan,
    held_on: dt.date | None,
    overall: str = "",
    note: str = "",
    progress: Mapping[int, str] | None = None,
) -> CheckIn:
    """Record a check-in of an open plan: progress per goal (by goal id) or overall, and a
    note. By HR or the head of the department."""
    roles = require(Action.CHECK_IN, actor)
    require_hr_or_head_of(roles, plan.review)
    if not plan.is_open:
        raise _closed(plan)
    errors = ErrorList()
    held = date(errors, "held_on", held_on, not_before=plan.starts_on, not_after=today())
    overall = text(errors, "overall", overall, required=False)
    note = text(errors, "note", note, required=False)
    goal_ids = set(Goal.objects.filter(plan=plan).values_list("pk", flat=True))
    given: dict[int, str] = {}
    for goal_id, words in (progress or {}).items():
        name = f"progress[{goal_id}]"
        if goal_id not in goal_ids:
            errors.add(name, _("This plan has no such goal."), "unknown_goal")
            continue
        words = text(errors, name, words, required=False)
        if words:
            given[goal_id] = words
    if not given and not overall:
        errors.add("overall", _("Say how it is going: overall, or for a goal."), "required")
    errors.raise_if_any()
    assert held is not None
    with transaction.atomic():
        if not Plan.objects.filter(pk=plan.pk, closed_at__isnull=True).exists():
            raise _closed(plan)
        check_in = CheckIn.objects.create(
            plan=plan, held_on=held, overall=overall, note=note, recorded_by=actor
        )
        GoalProgress.objects.bulk_create(
            GoalProgress(check_in=check_in, goal_id=goal_id, progress=words)
            for goal_id, words in sorted(given.items())
        )
        events.plan_checked_in(
            review=plan.review, actor=actor, plan_id=plan.pk, check_in_id=check_in.pk, held_on=held
        ).save()
    return check_in


def _closed(plan: Plan) -> Conflict:
    return Conflict(
        gettext("This plan was judged %(outcome)s and is closed; a closed plan does not change.")
        % {"outcome": plan.get_outcome_display()},
        code="plan_closed",
    )


def plan_judge(
    *,
    actor: Any,
    plan: Plan,
    outcome: str,
    reason: str = "",
    ends_on: dt.date | None = None,
) -> Plan:
    """HR judges an open plan: passed or failed closes it; extended keeps it open until a new,
    later end date (and it is judged again then)."""
    require(Action.JUDGE_PLAN, actor)
    if not plan.is_open:
        raise _closed(plan)
    errors = ErrorList()
    if outcome not in Plan.Outcome.values:
        errors.add("outcome", _("Choose passed, extended or failed."), "invalid_choice")
    reason = text(errors, "reason", reason, required=False)
    new_end: dt.date | None = plan.ends_on
    if outcome == Plan.Outcome.EXTENDED:
        new_end = date(errors, "ends_on", ends_on, not_before=plan.ends_on + dt.timedelta(days=1))
    errors.raise_if_any()
    assert new_end is not None
    now = timezone.now()
    with transaction.atomic():
        updated = Plan.objects.filter(
            pk=plan.pk, closed_at__isnull=True, ends_on=plan.ends_on
        ).update(
            outcome=outcome,
            outcome_note=reason,
            judged_by=actor,
            judged_at=now,
            ends_on=new_end,
            closed_at=None if outcome == Plan.Outcome.EXTENDED else now,
        )
        if updated != 1:
            raise Conflict(
                _("Someone else judged or extended this plan after you opened it; reload it."),
                code="stale",
            )
        events.plan_judged(
            review=plan.review,
            actor=actor,
            plan_id=plan.pk,
            outcome=outcome,
            ends_on=new_end,
            reason=reason,
        ).save()
    plan.refresh_from_db()
    return plan
