"""Overdue work by department and kind (`reviews.selectors.overdue.overdue_work`): HR and the
director see the division's, a head their own department's, nobody else any; each row links to
the list where that work is seen; a fixed number of queries. The quarter is `api_quarter` (see
tests/reviews/selectors/test_todos.py)."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.utils import timezone

from hrperf.lib.roles import roles_of
from reviews.selectors.overdue import overdue_work
from tests.helpers.appeals import file
from tests.helpers.improvement import plan
from tests.helpers.todos import fresh, more_reviews, set_deadlines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def table(name: str, today: dt.date) -> dict[tuple[str, str], int]:
    rows = overdue_work(viewer_roles=roles_of(fresh(name)), today=today)
    return {(row.department.code, row.kind): row.count for row in rows}


@pytest.fixture
def past(api_quarter) -> dt.date:
    """Every deadline of the quarter passed yesterday, a month on (the verbal warning's
    conversation is overdue by then too); the day to judge from."""
    due = timezone.localdate() + dt.timedelta(days=30)
    set_deadlines(api_quarter.cycle, self_assessment_due=due, rating_due=due, approval_due=due)
    return due + dt.timedelta(days=1)


# SALES: the employee's approved review (warned, no conversation), the head's complete draft,
# E00009's scored review; MARKET: the other employee's empty draft. Nobody self-assessed.
DIVISION = {
    ("MARKET", "director_ratings"): 1,
    ("MARKET", "hr_ratings"): 1,
    ("MARKET", "incomplete"): 1,
    ("MARKET", "self_assess"): 1,
    ("SALES", "ready"): 1,
    ("SALES", "to_approve"): 1,
    ("SALES", "self_assess"): 3,
    ("SALES", "hold_conversation"): 1,
}


def test_hr_and_the_director_see_the_divisions_overdue_work(past) -> None:
    assert table("hr", past) == DIVISION
    assert table("director", past) == DIVISION


def test_a_head_sees_their_own_departments_only_and_never_about_themself(past) -> None:
    # The head's own review (a complete draft, not self-assessed) is not theirs to follow up.
    assert table("head", past) == {
        ("SALES", "to_approve"): 1,
        ("SALES", "self_assess"): 2,
        ("SALES", "hold_conversation"): 1,
    }


@pytest.mark.parametrize("name", ["employee", "other_employee", "outsider"])
def test_anyone_else_sees_none_and_sends_no_query(past, name, django_assert_num_queries) -> None:
    roles = roles_of(fresh(name))
    with django_assert_num_queries(0):
        assert overdue_work(viewer_roles=roles, today=past) == []


def test_nothing_is_overdue_before_the_deadlines(past) -> None:
    assert table("hr", past - dt.timedelta(days=1)) == {("SALES", "hold_conversation"): 1}


def test_the_rows_come_by_department_then_in_the_tables_order(past) -> None:
    rows = overdue_work(viewer_roles=roles_of(fresh("hr")), today=past)
    assert [(row.department.code, row.kind) for row in rows] == [
        ("MARKET", "director_ratings"),  # MARKET comes first in the catalogue
        ("MARKET", "hr_ratings"),
        ("MARKET", "incomplete"),
        ("MARKET", "self_assess"),
        ("SALES", "ready"),
        ("SALES", "to_approve"),
        ("SALES", "self_assess"),
        ("SALES", "hold_conversation"),
    ]
    assert all(row.label for row in rows)


def test_each_review_row_links_to_the_reviews_it_counts(past, client_for) -> None:
    client = client_for("hr")
    for row in overdue_work(viewer_roles=roles_of(fresh("hr")), today=past):
        if row.period is None or row.kind == "self_assess":
            continue
        html = client.get(unescape(row.url)).content.decode()
        assert html.count('data-testid="review-row-') == row.count, row


def test_appeals_not_answered_in_time(api_quarter, personas, past) -> None:
    appeal = file(personas, api_quarter.own)
    late = appeal.answer_due + dt.timedelta(days=1)
    assert table("hr", late)[("SALES", "answer_appeal")] == 1
    assert ("SALES", "answer_appeal") not in table("hr", appeal.answer_due)
    rows = overdue_work(viewer_roles=roles_of(fresh("director")), today=late)
    (row,) = [row for row in rows if row.kind == "answer_appeal"]
    assert row.url == "/appeals/?status=filed&period=2026Q3"


def test_plan_check_ins_overdue_and_plans_not_judged(api_quarter, personas) -> None:
    plan(personas, api_quarter.own)  # starts 2026-10-21, ends 2027-01-31
    assert ("SALES", "check_in") not in table("director", dt.date(2026, 11, 20))
    assert table("director", dt.date(2026, 11, 21))[("SALES", "check_in")] == 1
    assert table("head", dt.date(2027, 2, 1))[("SALES", "judge_plan")] == 1
    assert table("other_employee", dt.date(2027, 2, 1)) == {}


def test_the_queries_are_fixed_whatever_the_number_of_reviews(
    api_quarter, personas, departments, past, django_assert_num_queries
) -> None:
    plan(personas, api_quarter.own)
    file(personas, api_quarter.own)
    roles = roles_of(fresh("hr"))
    with django_assert_num_queries(6):
        overdue_work(viewer_roles=roles, today=past)
    more_reviews(personas, departments, 5)
    with django_assert_num_queries(6):
        rows = overdue_work(viewer_roles=roles, today=past + dt.timedelta(days=60))
    assert {row.period for row in rows} >= {"2026Q3"}
