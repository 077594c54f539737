"""The workflow table: who may take which action on a review in which state (product.md, review
states), and in which quarter; what a change of the inputs does to a scored review."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from hrperf.lib.errors import NotAllowed
from hrperf.lib.roles import Roles
from reviews import workflow
from reviews.models import Review, ReviewCycle
from reviews.workflow import Action

State = Review.State
HR = Roles(is_hr=True, is_director=False, employee=None)
DIRECTOR = Roles(is_hr=False, is_director=True, employee=None)
BOTH = Roles(is_hr=True, is_director=True, employee=None)
NOBODY = Roles(is_hr=False, is_director=False, employee=None)


class _Employee:
    """Enough of an employee record for the roles: a plain employee, or a department head."""

    def __init__(self, *, head: bool) -> None:
        self.pk = 1
        self.department_id = 1
        self.is_department_head = head
        self.is_active = True


EMPLOYEE = Roles(is_hr=False, is_director=False, employee=_Employee(head=False))  # type: ignore[arg-type]
HEAD = Roles(is_hr=False, is_director=False, employee=_Employee(head=True))  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


# The review states each action may be taken in (product.md: review states).
EXPECTED_STATES = {
    Action.SET_FIGURES: {"draft", "submitted", "scored", "returned", "reopened"},
    Action.RATE_AS_HR: {"draft", "submitted", "scored", "returned", "reopened"},
    Action.RATE_AS_DIRECTOR: {"draft", "submitted", "scored", "returned", "reopened"},
    Action.IMPORT_FIGURES: {"draft", "returned", "reopened"},
    Action.SUBMIT: {"draft", "returned", "reopened"},
    Action.SCORE: {"submitted"},
    Action.RETURN: {"scored"},
    Action.APPROVE: {"scored"},
    Action.REOPEN: {"approved"},
    Action.SELF_ASSESS: {"draft", "returned", "reopened"},
    Action.CONFIRM_RESULT: {"approved"},
    Action.APPEAL: {"approved"},
    Action.ANSWER_APPEAL: {"approved"},
    Action.RECORD_CONVERSATION: set(State.values),
    Action.ACKNOWLEDGE_CONVERSATION: set(State.values),
    Action.CREATE_PLAN: set(State.values),
    Action.CHECK_IN: set(State.values),
    Action.JUDGE_PLAN: set(State.values),
}
EXPECTED_TARGETS = {
    Action.SUBMIT: "submitted",
    Action.SCORE: "scored",
    Action.RETURN: "returned",
    Action.APPROVE: "approved",
    Action.REOPEN: "reopened",
}
HR_ACTIONS = {
    Action.SET_FIGURES,
    Action.RATE_AS_HR,
    Action.IMPORT_FIGURES,
    Action.SUBMIT,
    Action.OPEN_QUARTER,
    Action.CLOSE_QUARTER,
    Action.CHANGE_POLICY,
    Action.GENERATE,
    Action.RESCORE,
    Action.ACKNOWLEDGE_WARNING,
    Action.SET_DEADLINES,
    Action.EDIT_CALENDAR,
    Action.ANSWER_APPEAL,
    Action.RECORD_CONVERSATION,
    Action.CREATE_PLAN,
    Action.CHECK_IN,
    Action.JUDGE_PLAN,
    Action.PRINT_FORMS,
}
DIRECTOR_ACTIONS = {
    Action.RATE_AS_DIRECTOR,
    Action.RETURN,
    Action.APPROVE,
    Action.REOPEN,
    Action.LOCK_GROUP,
    Action.REOPEN_QUARTER,
    Action.PRINT_FORMS,
}
# An employee's actions are on their own review: the service checks whose it is.
EMPLOYEE_ACTIONS = {
    Action.SELF_ASSESS,
    Action.CONFIRM_RESULT,
    Action.APPEAL,
    Action.ACKNOWLEDGE_CONVERSATION,
}
# A head's: on their department's reviews.
HEAD_ACTIONS = EMPLOYEE_ACTIONS | {
    Action.RECORD_CONVERSATION,
    Action.CHECK_IN,
    Action.PRINT_FORMS,  # their own department's forms
}


@pytest.mark.parametrize("action", list(EXPECTED_STATES))
@pytest.mark.parametrize("state", State.values)
def test_an_action_is_allowed_in_exactly_its_states(action: Action, state: str) -> None:
    assert workflow.allows(action, state) == (state in EXPECTED_STATES[action])


@pytest.mark.parametrize(("action", "target"), list(EXPECTED_TARGETS.items()))
def test_a_transition_leads_to_its_state(action: Action, target: str) -> None:
    assert workflow.rule(action).to == target


def test_only_transitions_change_the_state() -> None:
    moving = {action for action in Action if workflow.rule(action).to is not None}
    assert moving == set(EXPECTED_TARGETS)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize(
    ("roles", "name"),
    [
        (HR, "hr"),
        (DIRECTOR, "director"),
        (EMPLOYEE, "employee"),
        (HEAD, "head"),
        (NOBODY, "nobody"),
    ],
)
def test_each_action_belongs_to_its_actors(action: Action, roles: Roles, name: str) -> None:
    expected = {
        "hr": HR_ACTIONS,
        "director": DIRECTOR_ACTIONS,
        "employee": EMPLOYEE_ACTIONS,
        "head": HEAD_ACTIONS,
        "nobody": set(),
    }[name]
    assert workflow.holds(action, roles) == (action in expected)


def test_nobody_scores_a_review_but_the_worker() -> None:
    assert not workflow.holds(Action.SCORE, BOTH)
    assert workflow.rule(Action.SCORE).actor == workflow.Actor.WORKER


@pytest.mark.parametrize(
    ("roles", "state", "offered"),
    [
        (HR, "draft", {Action.SET_FIGURES, Action.RATE_AS_HR, Action.SUBMIT}),
        (HR, "scored", {Action.SET_FIGURES, Action.RATE_AS_HR}),
        (HR, "approved", set()),
        (DIRECTOR, "draft", {Action.RATE_AS_DIRECTOR}),
        (DIRECTOR, "scored", {Action.RATE_AS_DIRECTOR, Action.RETURN, Action.APPROVE}),
        (DIRECTOR, "approved", {Action.REOPEN}),
        (DIRECTOR, "submitted", {Action.RATE_AS_DIRECTOR}),
        (NOBODY, "scored", set()),
    ],
)
def test_a_review_offers_what_the_viewer_may_do_in_its_state(
    roles: Roles, state: str, offered: set[Action]
) -> None:
    assert workflow.offered(roles, state) == offered


@pytest.mark.parametrize(
    ("action", "roles", "message"),
    [
        (Action.SUBMIT, DIRECTOR, "Only HR may do this."),
        (Action.APPROVE, HR, "Only the marketing director may do this."),
        (Action.RATE_AS_DIRECTOR, HR, "You do not hold this assessor's role."),
        (Action.RATE_AS_HR, DIRECTOR, "You do not hold this assessor's role."),
        (Action.SCORE, BOTH, "Only the scoring worker does this."),
    ],
)
def test_require_refuses_with_the_reason(action: Action, roles: Roles, message: str) -> None:
    with pytest.raises(NotAllowed) as refused:
        workflow.require(action, roles)
    assert str(refused.value.message) == message


def test_require_lets_the_actor_through() -> None:
    workflow.require(Action.SUBMIT, HR)
    workflow.require(Action.APPROVE, DIRECTOR)


@pytest.mark.parametrize(
    ("action", "status", "allowed"),
    [
        (Action.GENERATE, ReviewCycle.Status.OPEN, True),
        (Action.GENERATE, ReviewCycle.Status.CLOSED, False),
        (Action.SET_DEADLINES, ReviewCycle.Status.OPEN, True),
        (Action.SET_DEADLINES, ReviewCycle.Status.CLOSED, False),
        (Action.IMPORT_FIGURES, ReviewCycle.Status.OPEN, True),
        (Action.IMPORT_FIGURES, ReviewCycle.Status.CLOSED, False),
        (Action.LOCK_GROUP, ReviewCycle.Status.OPEN, True),
        (Action.LOCK_GROUP, ReviewCycle.Status.CLOSED, False),
        (Action.RESCORE, ReviewCycle.Status.CLOSED, False),
        (Action.CHANGE_POLICY, ReviewCycle.Status.CLOSED, False),
        (Action.APPROVE, ReviewCycle.Status.CLOSED, False),
        (Action.APPROVE, ReviewCycle.Status.OPEN, True),
        (Action.CLOSE_QUARTER, ReviewCycle.Status.OPEN, True),
        (Action.CLOSE_QUARTER, ReviewCycle.Status.CLOSED, False),
        (Action.REOPEN_QUARTER, ReviewCycle.Status.CLOSED, True),
        (Action.REOPEN_QUARTER, ReviewCycle.Status.OPEN, False),
        # marks on a result, not changes of it: still taken in a closed quarter
        (Action.CONFIRM_RESULT, ReviewCycle.Status.CLOSED, True),
        (Action.ACKNOWLEDGE_WARNING, ReviewCycle.Status.CLOSED, True),
        (Action.APPEAL, ReviewCycle.Status.CLOSED, False),
        (Action.SELF_ASSESS, ReviewCycle.Status.CLOSED, False),
    ],
)
def test_a_quarter_action_needs_its_status(action: Action, status: str, allowed: bool) -> None:
    assert workflow.allows_in_quarter(action, status) == allowed


@pytest.mark.parametrize(
    ("assessor", "action"),
    [
        ("hr", Action.RATE_AS_HR),
        ("marketing_director", Action.RATE_AS_DIRECTOR),
        ("self", None),
        ("", None),
    ],
)
def test_an_assessor_rates_through_their_own_action(assessor: str, action: Action | None) -> None:
    assert workflow.rating_action(assessor) == action


@pytest.mark.parametrize(
    ("roles", "assessor"),
    [(HR, "hr"), (DIRECTOR, "marketing_director"), (BOTH, "marketing_director"), (NOBODY, None)],
)
def test_a_person_rates_on_the_page_as_one_assessor(roles: Roles, assessor: str | None) -> None:
    assert workflow.assessor_role_of(roles) == assessor


def test_only_the_employees_own_ratings_are_self_ratings_and_staff_never_give_them() -> None:
    assert workflow.is_self_rating("self")
    assert not any(workflow.is_self_rating(role) for role in ("hr", "marketing_director", ""))
    assert "self" not in workflow.RATING_ACTIONS
    assert {workflow.assessor_role_of(roles) for roles in (HR, DIRECTOR, BOTH, NOBODY)} == {
        "hr",
        "marketing_director",
        None,
    }


@pytest.mark.parametrize(
    ("state", "complete", "after"),
    [
        ("submitted", True, "submitted"),
        ("scored", True, "submitted"),
        ("scored", False, "draft"),
        ("submitted", False, "draft"),
        ("draft", True, "draft"),
        ("returned", True, "returned"),
        ("reopened", False, "reopened"),
    ],
)
def test_a_change_of_inputs_sends_a_scored_review_back_to_the_worker(
    state: str, complete: bool, after: str
) -> None:
    assert workflow.after_input_change(state, complete=complete) == after


def test_a_closed_quarter_offers_nothing_on_its_reviews() -> None:
    assert workflow.offered(DIRECTOR, "approved", ReviewCycle.Status.CLOSED) == set()
    assert workflow.offered(HR, "draft", ReviewCycle.Status.CLOSED) == set()
    assert workflow.offered(DIRECTOR, "approved", ReviewCycle.Status.OPEN) == {Action.REOPEN}
