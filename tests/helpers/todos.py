"""Helpers of the to-do tests (待办): each persona's list as it stands, read as a fresh login
(its roles read anew), the quarter's deadlines, and more of everything, to show that the
number of queries does not grow with it. The quarter is the API tests' (`api_quarter`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendars.models import QuarterDeadlines
from departments.models import Employee
from hrperf.lib.todos import Todo
from improvement.models import WrittenWarning
from reviews import services
from reviews.models import Review, ReviewCycle
from reviews.selectors.todos import todo_summary, todos_of

PERSONAS = ("hr", "director", "head", "employee", "other_employee", "outsider")


def fresh(name: str) -> User:
    """The persona's user read again (no roles cached on it)."""
    return User.objects.get(username=name)


def todos_by_kind(name: str, today: dt.date | None = None) -> dict[str, Todo]:
    return {item.kind: item for item in todos_of(fresh(name), today=today)}


def kinds_by_persona(today: dt.date | None = None) -> dict[str, set[str]]:
    return {name: set(todos_by_kind(name, today)) for name in PERSONAS}


def queries_of(name: str, today: dt.date | None = None) -> int:
    user = fresh(name)
    with CaptureQueriesContext(connection) as captured:
        todos_of(user, today=today)
    return len(captured.captured_queries)


def set_deadlines(cycle: ReviewCycle, **dates: dt.date) -> None:
    QuarterDeadlines.objects.update_or_create(cycle=cycle, defaults=dates)


def written_warning(review: Review) -> WrittenWarning:
    """A written warning on a warned review, made directly (as the scoring worker would)."""
    return WrittenWarning.objects.create(
        employee=review.employee,
        review=review,
        warning=review.warnings.get(),
        warnings_needed=2,
        within_quarters=4,
    )


def more_reviews(
    personas: dict[str, User], departments: dict[str, Any], count: int, start: int = 0
) -> None:
    """`count` more employees in each department (numbered from `start`), and a review of
    every employee in each open quarter, a second one (2026Q4) opened if need be."""
    for code, department in departments.items():
        for number in range(start, start + count):
            Employee.objects.create(
                employee_no=f"X{code[:2]}{number:03d}",
                name=f"员工{number}",
                department=department,
                position="专员",
            )
    if not ReviewCycle.objects.filter(period="2026Q4").exists():
        services.cycle_open(actor=personas["hr"], period="2026Q4")
    for cycle in ReviewCycle.objects.filter(status=ReviewCycle.Status.OPEN):
        services.reviews_generate_chunk(cycle_id=cycle.pk)


def keep_todo_count(user: User) -> None:
    """Count `user`'s to-dos once and keep the count, as their first page of the minute does:
    a test of a page's queries then counts the page's own (the navigation's count is kept
    `SUMMARY_SECONDS`, tests/reviews/templatetags/test_todos.py tests it)."""
    todo_summary(user)
