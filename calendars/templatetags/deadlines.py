"""Deadlines in templates: `{{ due|deadline_status }}` (whether a date has passed, how many
days are left) for `calendars/deadline.html`, and `{% quarter_deadlines cycle as deadlines %}`
for the quarter's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from calendars import selectors
from hrperf.lib.roles import Roles
from reviews import workflow
from reviews.models import ReviewCycle

register = template.Library()


@register.filter
def deadline_status(due: date | None) -> selectors.DeadlineStatus:
    return selectors.deadline_status(due if isinstance(due, date) else None)


@register.simple_tag(takes_context=True)
def quarter_deadlines(context: template.Context, cycle: ReviewCycle) -> dict[str, Any]:
    """The quarter's deadlines (`rows`, `deadlines`, `is_set`) and whether the viewer may set
    them (`can_set`: HR, the quarter open)."""
    view = selectors.quarter_deadlines(cycle)
    roles = context.get("roles")
    can_set = (
        isinstance(roles, Roles)
        and workflow.holds(workflow.Action.SET_DEADLINES, roles)
        and workflow.allows_in_quarter(workflow.Action.SET_DEADLINES, cycle.status)
    )
    return {
        "rows": view.rows,
        "deadlines": view.deadlines,
        "is_set": view.is_set,
        "can_set": can_set,
    }
