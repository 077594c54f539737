"""Who may do what, to a review in which state or to a quarter in which status: the one table.

The services ask it before they change anything (`require`, `check_state`), the pages and the
API ask it which actions to offer (`offered`), and a transition takes its target state from it.
A row names the action, the actor who may take it, the review states it may be taken in, the
quarter statuses it needs and, for a transition, the state it leads to.

    action               actor      review in                    quarter   to
    set_figures          HR         any state but approved       open      (unchanged)
    rate_hr              HR         any state but approved       open      (unchanged)
    rate_director        director   any state but approved       open      (unchanged)
    import_figures       HR         draft, returned, reopened    open      (unchanged)
    submit               HR         draft, returned, reopened    open      submitted
    score                worker     submitted                    any       scored
    return               director   scored                       open      returned
    approve              director   scored                       open      approved
    reopen               director   approved                     open      reopened
    open_quarter         HR         –                            –
    close_quarter        HR         –                            open
    reopen_quarter       director   –                            closed
    change_policy        HR         –                            open
    generate             HR         –                            open
    rescore              HR         –                            open
    lock_group           director   –                            open
    acknowledge_warning  HR         any                          any
    set_deadlines        HR         –                            open
    edit_calendar        HR         –                            –
    self_assess          employee   draft, returned, reopened    open
    confirm_result       employee   approved                     any
    appeal               employee   approved                     open
    answer_appeal        HR         approved                     open
    record_conversation  HR, head   any                          any
    acknowledge_conv.    employee   any                          any
    create_plan          HR         any                          any
    check_in             HR, head   any                          any
    judge_plan           HR         any                          any
    print_forms          HR, director, head   –                  any

An employee's actions are on their own review only, a head's on their own department's
reviews only (printing many forms at once: HR and the director any department's or the
whole quarter's, a head their own department's): the table says which role takes part; the
service checks the object (the review's employee, its department) and the deadlines
(`calendars`).

`import_figures` is a change of many reviews at once (targets in bulk, the figures file): a
review it may not change is left alone or refused. A change of a figure or a rating sends a
submitted or scored review back to the worker (`after_input_change`).

A closed quarter is read-only: every action that changes its reviews or the quarter needs it
open (`quarter` above), and the services check it with the quarter's row locked for share
(`reviews.services.common.require_open`), which closing it (locked for update) waits for. What
stays allowed in a closed quarter is a mark on a result, not a change of it: the employee's
confirmation (and the confirmation by deadline), HR's acknowledgement of a verbal warning, and
the steps after a low score (conversations, plans), which belong to the employee's next
quarter. `score` needs none: a closed quarter has no review the worker could score.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import NotAllowed
from hrperf.lib.roles import Roles
from reviews.models import AssessorRole, Review, ReviewCycle

State = Review.State
Status = ReviewCycle.Status


class Actor(StrEnum):
    HR = "hr"
    DIRECTOR = "director"
    WORKER = "worker"  # the scoring worker: no person takes these actions
    EMPLOYEE = "employee"  # the review's own employee
    HR_OR_HEAD = "hr_or_head"  # HR, or the head of the review's department
    STAFF_OR_HEAD = "staff_or_head"  # HR, the director, or a head (their department only)


class Action(StrEnum):
    # a review
    SET_FIGURES = "set_figures"
    RATE_AS_HR = "rate_hr"
    RATE_AS_DIRECTOR = "rate_director"
    IMPORT_FIGURES = "import_figures"  # figures of many reviews: targets in bulk, the file
    SUBMIT = "submit"
    SCORE = "score"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"
    # a quarter
    OPEN_QUARTER = "open_quarter"
    CLOSE_QUARTER = "close_quarter"
    REOPEN_QUARTER = "reopen_quarter"
    CHANGE_POLICY = "change_policy"
    GENERATE = "generate"
    RESCORE = "rescore"
    LOCK_GROUP = "lock_group"  # calibration: a group's grades by rank (relative grading)
    # a verbal warning
    ACKNOWLEDGE_WARNING = "acknowledge_warning"
    # deadlines
    SET_DEADLINES = "set_deadlines"
    EDIT_CALENDAR = "edit_calendar"
    # the employee's side
    SELF_ASSESS = "self_assess"
    CONFIRM_RESULT = "confirm_result"
    APPEAL = "appeal"
    ANSWER_APPEAL = "answer_appeal"
    # after a low score
    RECORD_CONVERSATION = "record_conversation"
    ACKNOWLEDGE_CONVERSATION = "acknowledge_conversation"
    CREATE_PLAN = "create_plan"
    CHECK_IN = "check_in"
    JUDGE_PLAN = "judge_plan"
    # many printable forms at once (one PDF)
    PRINT_FORMS = "print_forms"


ANY_STATE = frozenset(State.values)
NOT_APPROVED = ANY_STATE - {State.APPROVED}
BACK_WITH_HR = frozenset({State.DRAFT, State.RETURNED, State.REOPENED})
NO_REVIEW: frozenset[str] = frozenset()
ANY_QUARTER = frozenset(Status.values)
OPEN = frozenset({Status.OPEN})
CLOSED = frozenset({Status.CLOSED})
APPROVED = frozenset({State.APPROVED})


@dataclass(frozen=True)
class Rule:
    actor: Actor
    within: frozenset[str]  # the review states it may be taken in (none: not about a review)
    quarter: frozenset[str] = ANY_QUARTER  # the quarter statuses it needs
    to: str | None = None  # the state a transition leads to
    refusal: Promise | None = None  # what a person without the role is told


NOT_ASSESSOR = _("You do not hold this assessor's role.")

RULES: dict[Action, Rule] = {
    Action.SET_FIGURES: Rule(Actor.HR, NOT_APPROVED, quarter=OPEN),
    Action.RATE_AS_HR: Rule(Actor.HR, NOT_APPROVED, quarter=OPEN, refusal=NOT_ASSESSOR),
    Action.RATE_AS_DIRECTOR: Rule(Actor.DIRECTOR, NOT_APPROVED, quarter=OPEN, refusal=NOT_ASSESSOR),
    Action.IMPORT_FIGURES: Rule(Actor.HR, BACK_WITH_HR, quarter=OPEN),
    Action.SUBMIT: Rule(Actor.HR, BACK_WITH_HR, quarter=OPEN, to=State.SUBMITTED),
    Action.SCORE: Rule(Actor.WORKER, frozenset({State.SUBMITTED}), to=State.SCORED),
    Action.RETURN: Rule(Actor.DIRECTOR, frozenset({State.SCORED}), quarter=OPEN, to=State.RETURNED),
    Action.APPROVE: Rule(
        Actor.DIRECTOR, frozenset({State.SCORED}), quarter=OPEN, to=State.APPROVED
    ),
    Action.REOPEN: Rule(
        Actor.DIRECTOR, frozenset({State.APPROVED}), quarter=OPEN, to=State.REOPENED
    ),
    Action.OPEN_QUARTER: Rule(Actor.HR, NO_REVIEW),
    Action.CLOSE_QUARTER: Rule(Actor.HR, NO_REVIEW, quarter=OPEN),
    Action.REOPEN_QUARTER: Rule(Actor.DIRECTOR, NO_REVIEW, quarter=CLOSED),
    Action.CHANGE_POLICY: Rule(Actor.HR, NO_REVIEW, quarter=OPEN),
    Action.GENERATE: Rule(Actor.HR, NO_REVIEW, quarter=OPEN),
    Action.RESCORE: Rule(Actor.HR, NO_REVIEW, quarter=OPEN),
    Action.LOCK_GROUP: Rule(Actor.DIRECTOR, NO_REVIEW, quarter=OPEN),
    Action.ACKNOWLEDGE_WARNING: Rule(Actor.HR, ANY_STATE),
    Action.SET_DEADLINES: Rule(Actor.HR, NO_REVIEW, quarter=OPEN),
    Action.EDIT_CALENDAR: Rule(Actor.HR, NO_REVIEW),
    Action.SELF_ASSESS: Rule(Actor.EMPLOYEE, BACK_WITH_HR, quarter=OPEN),
    Action.CONFIRM_RESULT: Rule(Actor.EMPLOYEE, APPROVED),
    Action.APPEAL: Rule(Actor.EMPLOYEE, APPROVED, quarter=OPEN),
    Action.ANSWER_APPEAL: Rule(Actor.HR, APPROVED, quarter=OPEN),
    Action.RECORD_CONVERSATION: Rule(Actor.HR_OR_HEAD, ANY_STATE),
    Action.ACKNOWLEDGE_CONVERSATION: Rule(Actor.EMPLOYEE, ANY_STATE),
    Action.CREATE_PLAN: Rule(Actor.HR, ANY_STATE),
    Action.CHECK_IN: Rule(Actor.HR_OR_HEAD, ANY_STATE),
    Action.JUDGE_PLAN: Rule(Actor.HR, ANY_STATE),
    Action.PRINT_FORMS: Rule(Actor.STAFF_OR_HEAD, NO_REVIEW),
}
REVIEW_ACTIONS = (
    Action.SET_FIGURES,
    Action.RATE_AS_HR,
    Action.RATE_AS_DIRECTOR,
    Action.SUBMIT,
    Action.RETURN,
    Action.APPROVE,
    Action.REOPEN,
)
# The states a change of the inputs sends back to the worker: the score no longer holds.
SCORING_STATES = frozenset({State.SUBMITTED, State.SCORED})
# Rating by staff, as one of the assessors. The employee's own ratings (AssessorRole.SELF) are
# not among them: they come only with their self-assessment (`SELF_RATED_ELSEWHERE`).
RATING_ACTIONS = {
    AssessorRole.HR.value: Action.RATE_AS_HR,
    AssessorRole.MARKETING_DIRECTOR.value: Action.RATE_AS_DIRECTOR,
}
SELF_RATED_ELSEWHERE = _(
    "The employee's own ratings come only with their self-assessment: nobody rates as the "
    "employee here."
)
REFUSALS = {
    Actor.HR: _("Only HR may do this."),
    Actor.DIRECTOR: _("Only the marketing director may do this."),
    Actor.WORKER: _("Only the scoring worker does this."),
    Actor.EMPLOYEE: _("Only the employee whose review it is may do this."),
    Actor.HR_OR_HEAD: _("Only HR or the head of the employee's department may do this."),
    Actor.STAFF_OR_HEAD: _("Only HR, the marketing director or a department head may do this."),
}


def rule(action: Action) -> Rule:
    return RULES[action]


def holds(action: Action, roles: Roles) -> bool:
    """Whether the roles give the actor's part in `action` (whatever the state)."""
    actor = RULES[action].actor
    if actor == Actor.HR:
        return roles.is_hr
    if actor == Actor.DIRECTOR:
        return roles.is_director
    if actor == Actor.EMPLOYEE:
        return roles.employee is not None
    if actor == Actor.HR_OR_HEAD:
        return roles.is_hr or roles.is_head
    if actor == Actor.STAFF_OR_HEAD:
        return roles.sees_all_reviews or roles.is_head
    return False


def allows(action: Action, state: str) -> bool:
    """Whether `action` may be taken on a review in `state`."""
    return state in RULES[action].within


def allows_in_quarter(action: Action, status: str) -> bool:
    """Whether `action` may be taken in a quarter of this status."""
    return status in RULES[action].quarter


def may(action: Action, roles: Roles, state: str) -> bool:
    return holds(action, roles) and allows(action, state)


def require(action: Action, roles: Roles) -> None:
    """Refuse (NotAllowed) an actor whose roles do not give their part in `action`."""
    if not holds(action, roles):
        applicable = RULES[action]
        raise NotAllowed(applicable.refusal or REFUSALS[applicable.actor])


def rating_action(assessor_role: str) -> Action | None:
    """The action of rating as this assessor; None for an assessor the product does not know,
    and for the employee themself (`is_self_rating`)."""
    return RATING_ACTIONS.get(assessor_role)


def is_self_rating(assessor_role: str) -> bool:
    """Whether ratings as this assessor are the employee's own (never given by staff)."""
    return assessor_role == AssessorRole.SELF


def assessor_role_of(roles: Roles) -> str | None:
    """The assessor a person rates as: the director as marketing director, else HR as HR."""
    if roles.is_director:
        return AssessorRole.MARKETING_DIRECTOR
    if roles.is_hr:
        return AssessorRole.HR
    return None


def offered(roles: Roles, state: str, quarter: str = Status.OPEN) -> set[Action]:
    """The actions on a review in `state`, of a quarter of status `quarter`, to offer someone
    with `roles` (none in a closed quarter: it is read-only)."""
    return {
        action
        for action in REVIEW_ACTIONS
        if may(action, roles, state) and allows_in_quarter(action, quarter)
    }


def after_input_change(state: str, *, complete: bool) -> str:
    """A review's state once a figure or rating changed: back to the worker when it was
    submitted or scored (to draft when it is no longer complete), unchanged otherwise."""
    if state not in SCORING_STATES:
        return state
    return State.SUBMITTED if complete else State.DRAFT
