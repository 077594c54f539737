"""The dashboard's to-do list (待办): what the viewer must do now, from every part of the
product, each with its deadline; overdue first, then by the nearest deadline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from appeals import selectors as appeals
from calendars import selectors as calendars
from hrperf.lib.roles import Roles
from hrperf.lib.todos import Todo
from improvement import selectors as improvement
from reviews.models import ReviewCycle
from reviews.selectors import warnings
from selfassessments import selectors as selfassessments

Source = Callable[..., list[Todo]]
# Each part of the product that gives people work answers `todos(viewer_roles=…, user=…)`.
SOURCES: tuple[Source, ...] = (
    calendars.todos,
    selfassessments.todos,
    appeals.todos,
    improvement.todos,
    warnings.todos,
)
# The quarter's review work (the dashboard's counts) and the deadline each kind answers to.
REVIEW_WORK_DEADLINE = {
    "to_approve": "approval_due",
    "director_ratings": "rating_due",
    "hr_ratings": "rating_due",
    "incomplete": "rating_due",
    "ready": "approval_due",
    "returned": "approval_due",
    "reopened": "approval_due",
}


def review_work(cycle: ReviewCycle, waiting: Sequence[Any]) -> list[Todo]:
    """The quarter's waiting reviews (the dashboard's `WaitingItem`s) as to-dos, with the
    quarter's deadline of that kind of work (one query)."""
    if not waiting:
        return []
    deadlines = calendars.deadlines_of(cycle)
    items = []
    for item in waiting:
        if not item.count:
            continue
        due = getattr(deadlines, REVIEW_WORK_DEADLINE[item.kind])
        items.append(
            Todo(
                kind=item.kind,
                label=item.label,
                url=item.url,
                count=item.count,
                due=due,
                overdue=calendars.is_past(due),
            )
        )
    return items


def todos(*, viewer_roles: Roles, user: Any, review_items: Sequence[Todo] = ()) -> list[Todo]:
    """Every to-do of the viewer: the quarter's review work and each part's."""
    items = list(review_items)
    for source in SOURCES:
        items.extend(source(viewer_roles=viewer_roles, user=user))
    return sorted(items, key=lambda t: (not t.overdue, t.due or date.max))
