"""Who sees which conversations, plans and written warnings, and what each person has to do
(`todos`), in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Employee
from hrperf.lib.roles import roles_of
from improvement import selectors, services
from improvement.models import Plan
from tests.helpers.improvement import conversation, plan, scored_low, warned
from tests.helpers.personas import PASSWORD


def roles(personas, name):
    return roles_of(personas[name])


@pytest.fixture
def market_head(personas, departments):
    from django.contrib.auth.models import User

    user = User.objects.create_user(username="market_head", password=PASSWORD)
    Employee.objects.create(
        employee_no="E00010",
        name="市场经理",
        department=departments["MARKET"],
        user=user,
        is_department_head=True,
    )
    return user


@pytest.fixture
def cases(personas, fresh_quarter):
    """A conversation, a plan and a written warning about the employee (SALES), and a
    conversation and a written warning about the head themself (SALES)."""
    own = scored_low(personas)
    head_review = scored_low(personas, name="head")
    warned(personas, "2026Q2")
    warned(personas, "2026Q2", name="head")
    made = services.written_warnings_escalate(review_ids=[own.pk, head_review.pk])
    return {
        "employee": conversation(personas, own),
        "head": conversation(personas, head_review),
        "plan": plan(personas, own),
        "written": {w.review_id: w for w in made},
        "own": own,
        "head_review": head_review,
    }


def test_hr_and_the_director_see_everything(personas, cases) -> None:
    for name in ("hr", "director"):
        assert selectors.conversation_list(viewer_roles=roles(personas, name)).count() == 2
        assert selectors.plan_list(viewer_roles=roles(personas, name)).count() == 1
        assert selectors.written_warning_list(viewer_roles=roles(personas, name)).count() == 2


def test_the_head_sees_their_department_and_their_own_only_as_the_employee(personas, cases) -> None:
    head = roles(personas, "head")
    assert set(selectors.conversation_list(viewer_roles=head)) == {cases["employee"], cases["head"]}
    (written,) = selectors.written_warning_list(viewer_roles=head)
    assert written.review == cases["own"]  # never the written warning about themself
    assert not selectors.may_act_on(head, cases["head_review"])
    panel = selectors.review_panel(viewer_roles=head, review=cases["head_review"])
    assert panel.written_warning is None and not panel.can_record


def test_another_departments_head_sees_nothing_of_it(personas, cases, market_head) -> None:
    other = roles_of(market_head)
    assert not selectors.conversation_list(viewer_roles=other).exists()
    assert not selectors.plan_list(viewer_roles=other).exists()
    assert not selectors.written_warning_list(viewer_roles=other).exists()
    assert selectors.review_for_action(viewer_roles=other, review_id=cases["own"].pk) is None


def test_the_employee_sees_their_own_but_no_written_warning(personas, cases) -> None:
    employee = roles(personas, "employee")
    assert list(selectors.conversation_list(viewer_roles=employee)) == [cases["employee"]]
    assert list(selectors.plan_list(viewer_roles=employee)) == [cases["plan"]]
    assert not selectors.written_warning_list(viewer_roles=employee).exists()
    for name in ("other_employee", "outsider"):
        assert not selectors.conversation_list(viewer_roles=roles(personas, name)).exists()
        assert not selectors.plan_list(viewer_roles=roles(personas, name)).exists()


def test_written_warnings_to_flag_go_to_hr_and_the_director(personas, cases) -> None:
    for name, count in (("hr", 2), ("director", 2), ("head", 0), ("employee", 0)):
        flagged = selectors.written_warnings_to_flag(viewer_roles=roles(personas, name))
        assert flagged.count() == count
    services.written_warning_acknowledge(
        actor=personas["hr"], written_warning=cases["written"][cases["own"].pk]
    )
    assert selectors.written_warnings_to_flag(viewer_roles=roles(personas, "hr")).count() == 1


def test_the_plan_list_marks_what_is_overdue(personas, cases) -> None:
    record = cases["plan"]  # from 2026-10-21 to 2027-01-31, goals due 2026-12-31
    (row,) = selectors.plan_rows([record], today=dt.date(2027, 2, 1))
    assert row.check_in_overdue and row.goals_overdue == 2 and row.outcome_due
    services.plan_check_in(
        actor=personas["hr"], plan=record, held_on=dt.date(2026, 11, 25), overall="ok"
    )
    fresh = selectors.plan_list(viewer_roles=roles(personas, "hr")).get(pk=record.pk)
    (row,) = selectors.plan_rows([fresh], today=dt.date(2026, 12, 1))
    assert not row.check_in_overdue and row.goals_overdue == 0 and not row.outcome_due
    assert row.check_in_due == dt.date(2026, 12, 25)


def kinds(personas, name):
    return {
        todo.kind: todo.count
        for todo in selectors.todos(viewer_roles=roles(personas, name), user=personas[name])
    }


def test_todos_of_each_person(personas, cases) -> None:
    Plan.objects.filter(pk=cases["plan"].pk).update(
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 2, 1)
    )
    third = warned(personas, "2026Q2", name="other_employee")
    assert kinds(personas, "hr") == {
        "hold_conversation": 3,  # the 2026Q2 warnings of three employees
        "acknowledge_written_warning": 2,
        "judge_plan": 1,
        "check_in": 1,
    }
    # The head: their department's, never their own (a 2026Q2 warning of the employee).
    assert kinds(personas, "head") == {
        "hold_conversation": 1,
        "check_in": 1,
        "acknowledge_conversation": 1,  # as an employee, the conversation about themself
    }
    assert kinds(personas, "employee") == {"acknowledge_conversation": 1}
    assert kinds(personas, "director") == {}
    assert kinds(personas, "outsider") == {}
    assert third.review.employee.user == personas["other_employee"]


def test_todos_take_a_fixed_number_of_queries(personas, cases) -> None:
    def count(name):
        viewer = roles(personas, name)
        with CaptureQueriesContext(connection) as queries:
            selectors.todos(viewer_roles=viewer, user=personas[name])
        return len(queries)

    before = {name: count(name) for name in ("hr", "head", "employee")}
    warned(personas, "2026Q1")
    warned(personas, "2026Q1", name="other_employee")
    conversation(personas, cases["head_review"])
    assert {name: count(name) for name in ("hr", "head", "employee")} == before


def test_the_todo_addresses_are_the_pages(personas) -> None:
    assert reverse("reviews:warnings") == selectors.WARNINGS_URL
    assert reverse("improvement:plans") == selectors.PLANS_URL
    assert reverse("improvement:mine") == selectors.MINE_URL
