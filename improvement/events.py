"""The audit events of conversations, improvement plans and written warnings, one constructor
per kind, each on the review it is about (its quarter and review), with structured `params`;
what a person wrote goes in `reason` only:

    conversation_recorded      conversation, held_on, actions (how many agreed)
    conversation_acknowledged  conversation (the employee's comment in `reason`)
    plan_changed               plan, change ("created", "check_in", "judged"), and per change:
                               created: goals, ends_on; check_in: check_in, held_on;
                               judged: outcome, ends_on (HR's reason in `reason`)
    written_warning            written_warning, step ("made", "acknowledged"); made: periods
                               (the quarters whose warnings it counts), needed, within
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reviews.events import actor_id
from reviews.models import AuditEvent, Review

Action = AuditEvent.Action

CREATED = "created"
CHECK_IN = "check_in"
JUDGED = "judged"
MADE = "made"
ACKNOWLEDGED = "acknowledged"


def _event(
    action: str, *, review: Review, actor: Any, params: dict[str, Any], reason: str = ""
) -> AuditEvent:
    return AuditEvent(
        cycle_id=review.cycle_id,
        review_id=review.pk,
        actor_id=actor_id(actor),
        action=action,
        reason=reason,
        params=params,
    )


def conversation_recorded(
    *, review: Review, actor: Any, conversation_id: int, held_on: dt.date, actions: int
) -> AuditEvent:
    return _event(
        Action.CONVERSATION_RECORDED,
        review=review,
        actor=actor,
        params={
            "conversation": conversation_id,
            "held_on": held_on.isoformat(),
            "actions": actions,
        },
    )


def conversation_acknowledged(
    *, review: Review, actor: Any, conversation_id: int, comment: str
) -> AuditEvent:
    return _event(
        Action.CONVERSATION_ACKNOWLEDGED,
        review=review,
        actor=actor,
        params={"conversation": conversation_id},
        reason=comment,
    )


def plan_created(
    *, review: Review, actor: Any, plan_id: int, goals: int, ends_on: dt.date
) -> AuditEvent:
    return _event(
        Action.PLAN_CHANGED,
        review=review,
        actor=actor,
        params={"plan": plan_id, "change": CREATED, "goals": goals, "ends_on": ends_on.isoformat()},
    )


def plan_checked_in(
    *, review: Review, actor: Any, plan_id: int, check_in_id: int, held_on: dt.date
) -> AuditEvent:
    return _event(
        Action.PLAN_CHANGED,
        review=review,
        actor=actor,
        params={
            "plan": plan_id,
            "change": CHECK_IN,
            "check_in": check_in_id,
            "held_on": held_on.isoformat(),
        },
    )


def plan_judged(
    *, review: Review, actor: Any, plan_id: int, outcome: str, ends_on: dt.date, reason: str
) -> AuditEvent:
    return _event(
        Action.PLAN_CHANGED,
        review=review,
        actor=actor,
        params={
            "plan": plan_id,
            "change": JUDGED,
            "outcome": outcome,
            "ends_on": ends_on.isoformat(),
        },
        reason=reason,
    )


def written_warning_made(
    *, review: Review, written_warning_id: int, periods: list[str], needed: int, within: int
) -> AuditEvent:
    return _event(
        Action.WRITTEN_WARNING,
        review=review,
        actor=None,
        params={
            "written_warning": written_warning_id,
            "step": MADE,
            "periods": periods,
            "needed": needed,
            "within": within,
        },
    )


def written_warning_acknowledged(
    *, review: Review, actor: Any, written_warning_id: int
) -> AuditEvent:
    return _event(
        Action.WRITTEN_WARNING,
        review=review,
        actor=actor,
        params={"written_warning": written_warning_id, "step": ACKNOWLEDGED},
    )
