"""The to-do item (`hrperf.lib.todos`): the list's order and the count the navigation shows."""

from __future__ import annotations

from datetime import date

from hrperf.lib.todos import Summary, Todo, ordered, summary_of

SOON, LATER = date(2026, 10, 9), date(2026, 10, 20)
ITEMS = [
    Todo(kind="later", label="later", url="/", due=LATER, count=2),
    Todo(kind="none", label="none", url="/"),
    Todo(kind="late", label="late", url="/", due=LATER, overdue=True, count=3),
    Todo(kind="soon", label="soon", url="/", due=SOON),
    Todo(kind="earlier", label="earlier", url="/", due=SOON, overdue=True),
]


def test_the_list_sorts_overdue_first_then_by_the_nearest_deadline() -> None:
    assert [item.kind for item in ordered(ITEMS)] == ["earlier", "late", "soon", "later", "none"]


def test_the_same_kind_of_two_quarters_comes_in_the_quarters_order() -> None:
    items = [
        Todo(kind="ready", label="", url="/", period="2026Q4"),
        Todo(kind="ready", label="", url="/", period="2026Q3"),
    ]
    assert [item.period for item in ordered(items)] == ["2026Q3", "2026Q4"]


def test_the_summary_adds_up_the_counts_and_the_overdue_ones() -> None:
    assert summary_of(ITEMS) == Summary(count=8, overdue=4)
    assert summary_of([]) == Summary(count=0, overdue=0)
