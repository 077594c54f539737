"""One person's to-dos (待办, `reviews.selectors.todos.todos_of`): every kind of work for the
person whose work it is and nobody else, with its count, link, deadline and overdue flag, in a
number of queries that does not grow with the reviews. The quarter is `api_quarter`: the
employee's review approved below the threshold (a verbal warning), the head's a complete draft,
the other employee's (MARKET) a draft with nothing entered, E00009's (SALES) scored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal
from calendars.selectors import local_date
from hrperf.lib.todos import summary_of
from improvement.selectors import CONVERSATION_WITHIN
from reviews import services
from reviews.selectors import overdue, todos
from reviews.selectors.todos import KINDS, todos_of
from tests.helpers.appeals import file
from tests.helpers.improvement import conversation, plan
from tests.helpers.todos import (
    PERSONAS,
    fresh,
    kinds_by_persona,
    more_reviews,
    queries_of,
    set_deadlines,
    todos_by_kind,
    written_warning,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

BASE = {
    "hr": {
        "set_deadlines",
        "ready",
        "incomplete",
        "hr_ratings",
        "acknowledge_verbal_warning",
        "hold_conversation",
    },
    "director": {"to_approve", "director_ratings"},
    "head": {"self_assess", "hold_conversation"},
    "employee": {"confirm_result"},
    "other_employee": {"self_assess"},
    "outsider": set(),
}


def only(kind: str, today: dt.date | None = None) -> set[str]:
    """The personas who have a to-do of this kind."""
    return {name for name, kinds in kinds_by_persona(today).items() if kind in kinds}


def test_each_persona_has_the_work_of_their_role_and_nobody_elses(api_quarter) -> None:
    assert kinds_by_persona() == BASE
    assert set().union(*BASE.values()) <= set(KINDS)


def test_the_quarters_review_work_counts_and_links_to_the_reviews_it_counts(api_quarter):
    hr = todos_by_kind("hr")
    assert hr["ready"].count == 1
    assert hr["ready"].period == "2026Q3"
    assert hr["ready"].url == "/quarters/2026Q3/reviews/?state=draft&needs=ready"
    assert hr["hr_ratings"].url == "/quarters/2026Q3/reviews/?state=draft&needs=hr_ratings"
    director = todos_by_kind("director")
    assert director["to_approve"].url == "/queue/"
    assert (director["to_approve"].count, director["director_ratings"].count) == (1, 1)
    assert summary_of(todos_of(fresh("hr"))).count == 6


def test_every_open_quarter_has_its_own_items(api_quarter, personas, departments) -> None:
    more_reviews(personas, departments, 2)  # four more employees, and 2026Q4 with 8 reviews
    ready = [item for item in todos_of(fresh("hr")) if item.kind == "incomplete"]
    assert [(item.period, item.count) for item in ready] == [("2026Q3", 5), ("2026Q4", 8)]


def test_the_review_work_answers_to_the_quarters_deadlines(api_quarter) -> None:
    rating_due, approval_due = dt.date(2026, 10, 15), dt.date(2026, 10, 25)
    set_deadlines(api_quarter.cycle, rating_due=rating_due, approval_due=approval_due)
    today = dt.date(2026, 10, 16)  # the rating deadline passed yesterday
    director = todos_by_kind("director", today)
    assert (director["director_ratings"].due, director["director_ratings"].overdue) == (
        rating_due,
        True,
    )
    assert (director["to_approve"].due, director["to_approve"].overdue) == (approval_due, False)
    hr = todos_by_kind("hr", today)
    assert hr["incomplete"].overdue and hr["hr_ratings"].overdue
    assert not hr["ready"].overdue
    # On the deadline's own day nothing is overdue yet.
    assert not todos_by_kind("director", rating_due)["director_ratings"].overdue
    # Overdue first, then by the nearest deadline.
    listed = todos_of(fresh("director"), today=today)
    assert [item.kind for item in listed] == ["director_ratings", "to_approve"]


def test_returned_and_reopened_reviews_are_hrs_to_submit_again(api_quarter, personas) -> None:
    services.review_return(
        actor=personas["director"], review=api_quarter.scored, comment="请核对数据。"
    )
    services.review_reopen(actor=personas["director"], review=api_quarter.own, reason="更正。")
    assert only("returned") == {"hr"}
    assert only("reopened") == {"hr"}
    hr = todos_by_kind("hr")
    assert hr["returned"].url == "/quarters/2026Q3/reviews/?state=returned"
    assert hr["reopened"].url == "/quarters/2026Q3/reviews/?state=reopened"
    assert "to_approve" not in todos_by_kind("director")


def test_an_appeal_is_hrs_to_answer_by_its_answer_date(api_quarter, personas) -> None:
    appeal = file(personas, api_quarter.own)
    assert only("answer_appeal") == {"hr"}
    answer = todos_by_kind("hr")["answer_appeal"]
    assert (answer.count, answer.due, answer.overdue) == (1, appeal.answer_due, False)
    assert answer.url == "/appeals/?status=filed"
    late = todos_by_kind("hr", appeal.answer_due + dt.timedelta(days=1))["answer_appeal"]
    assert late.overdue
    # An appealed result is no longer the employee's to confirm.
    assert "confirm_result" not in todos_by_kind("employee")
    Appeal.objects.filter(pk=appeal.pk).delete()
    assert todos_by_kind("employee")["confirm_result"].url == f"/reviews/{api_quarter.own.pk}/"


def test_the_result_to_confirm_leaves_the_list_when_its_window_ends(api_quarter) -> None:
    due = todos_by_kind("employee")["confirm_result"].due
    assert due is not None
    assert "confirm_result" in todos_by_kind("employee", due)
    # Confirmed by the deadline (the worker's job) once the window has ended: nothing to do.
    assert "confirm_result" not in todos_by_kind("employee", due + dt.timedelta(days=1))


def test_a_warned_review_calls_for_a_conversation_then_its_acknowledgement(
    api_quarter, personas
) -> None:
    warned_on = local_date(api_quarter.own.warnings.get().created_at)
    hold = todos_by_kind("head")["hold_conversation"]
    assert (hold.due, hold.overdue) == (warned_on + CONVERSATION_WITHIN, False)
    late = warned_on + CONVERSATION_WITHIN + dt.timedelta(days=1)
    assert todos_by_kind("hr", late)["hold_conversation"].overdue
    conversation(personas, api_quarter.own, actor="head")
    assert only("hold_conversation") == set()
    assert only("acknowledge_conversation") == {"employee"}
    assert todos_by_kind("employee")["acknowledge_conversation"].url == "/my/improvement/"


def test_a_plans_check_ins_come_due_for_hr_and_the_head(api_quarter, personas) -> None:
    plan(personas, api_quarter.own)  # starts 2026-10-21: a check-in due 2026-11-20
    assert only("check_in", dt.date(2026, 11, 1)) == set()
    assert only("check_in", dt.date(2026, 11, 14)) == {"hr", "head"}
    soon = todos_by_kind("head", dt.date(2026, 11, 14))["check_in"]
    assert (soon.due, soon.overdue, soon.url) == (dt.date(2026, 11, 20), False, "/plans/")
    assert todos_by_kind("hr", dt.date(2026, 11, 21))["check_in"].overdue
    # Once it has ended (2027-01-31), HR judges it.
    assert only("judge_plan", dt.date(2027, 2, 1)) == {"hr"}
    assert todos_by_kind("hr", dt.date(2027, 2, 1))["judge_plan"].overdue


def test_a_written_warning_is_hrs_to_acknowledge(api_quarter) -> None:
    written_warning(api_quarter.own)
    assert only("acknowledge_written_warning") == {"hr"}


def test_the_self_assessment_is_due_by_the_quarters_deadline(api_quarter) -> None:
    due = dt.date(2026, 10, 10)
    set_deadlines(api_quarter.cycle, self_assessment_due=due)
    assert only("self_assess", due) == {"head", "other_employee"}
    item = todos_by_kind("head", due)["self_assess"]
    assert (item.due, item.overdue) == (due, False)
    # A missed self-assessment is no longer the employee's to do: the overdue table shows it.
    assert only("self_assess", due + dt.timedelta(days=1)) == set()


def test_hr_is_asked_for_the_deadlines_until_they_are_set(api_quarter) -> None:
    assert only("set_deadlines") == {"hr"}
    set_deadlines(api_quarter.cycle, rating_due=timezone.localdate())
    assert only("set_deadlines") == set()


# Queries of `todos_of` for a fresh login (two read its roles), with every kind of work there.
QUERIES = {
    "hr": 11,
    "director": 4,
    "head": 9,
    "employee": 7,
    "other_employee": 7,
    "outsider": 2,
}


def busy(api_quarter, personas, departments) -> None:
    """Some of every kind of work, in two open quarters."""
    more_reviews(personas, departments, 1)
    set_deadlines(api_quarter.cycle, rating_due=dt.date(2026, 10, 15))
    file(personas, api_quarter.own)
    conversation(personas, api_quarter.own, actor="head")
    plan(personas, api_quarter.own)
    written_warning(api_quarter.own)
    services.review_return(
        actor=personas["director"], review=api_quarter.scored, comment="请核对数据。"
    )


@pytest.mark.parametrize("name", PERSONAS)
def test_the_queries_are_fixed_whatever_the_number_of_reviews(
    api_quarter, personas, departments, django_assert_num_queries, name
) -> None:
    busy(api_quarter, personas, departments)
    user = fresh(name)
    with django_assert_num_queries(QUERIES[name]):
        todos_of(user)
    more_reviews(personas, departments, 6, start=1)
    assert queries_of(name) == QUERIES[name]
    assert queries_of(name, dt.date(2026, 12, 1)) == QUERIES[name]


def test_the_pages_named_are_the_url_configurations() -> None:
    # The domain reverses no URL: the paths it names must be the pages' own.
    assert reverse("reviews:queue") == todos.QUEUE_URL
    assert todos.REVIEW_LIST_URL.format(period="2026Q3") == reverse(
        "reviews:review_list", args=["2026Q3"]
    )
    assert reverse("appeals:list") == overdue.APPEALS_URL
    assert reverse("improvement:plans") == overdue.PLANS_URL
    assert reverse("reviews:warnings") == overdue.WARNINGS_URL
