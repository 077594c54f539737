"""What a person must do now (待办): one item per kind of work (and quarter, for a quarter's
review work), from whichever part of the product holds it. Each app's selectors answer
`todos(viewer_roles=…, user=…, now=…)` with a list of these; `reviews.selectors.todos.todos_of`
gathers them all for one person, overdue first, for the dashboard, the navigation, the to-do
page, the API and the notification worker."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise


@dataclass(frozen=True)
class Todo:
    kind: str  # a stable name: "self_assess", "confirm_result", "answer_appeal"…
    label: str | Promise  # what to do, translated
    url: str  # the page where it is done
    count: int = 1  # how many of this kind wait
    due: date | None = None  # the nearest deadline among them
    overdue: bool = False  # whether any of them is past its deadline
    period: str | None = None  # the quarter, for the work of one quarter


@dataclass(frozen=True)
class Summary:
    """How much waits: the items' counts added up, and how many of them are overdue (the
    counts of the overdue items)."""

    count: int = 0
    overdue: int = 0


def ordered(items: Iterable[Todo]) -> list[Todo]:
    """Overdue first, then by the nearest deadline (none: last), then by kind and quarter."""
    return sorted(items, key=lambda t: (not t.overdue, t.due or date.max, t.kind, t.period or ""))


def summary_of(items: Iterable[Todo]) -> Summary:
    count = overdue = 0
    for item in items:
        count += item.count
        if item.overdue:
            overdue += item.count
    return Summary(count=count, overdue=overdue)
