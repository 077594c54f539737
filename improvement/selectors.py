"""Reads of conversations, improvement plans and written warnings, each limited to what the
viewer may see, each a fixed number of queries.

Who sees what:

* HR and the director: everything;
* a department head: the records of their own department's reviews, never another
  department's, and never those about themself (on their own review a head is an employee);
* an employee (a head too): their own conversations and plans, whatever the state of the review
  (they took part and acknowledge them), but not the written warnings, which flag a case to HR
  and the director;
* anyone else: nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.selectors import local_date
from hrperf.lib.periods import shift_period
from hrperf.lib.roles import Roles
from hrperf.lib.todos import Todo
from improvement.models import CheckIn, Conversation, Goal, Plan, WrittenWarning
from reviews import workflow
from reviews.models import Review, VerbalWarning
from reviews.selectors.visibility import Part, parts_seen, visible_reviews
from reviews.workflow import Action

# A plan's check-ins are due this often (a check-in is overdue once the last one, or the plan's
# start, is older than this).
CHECK_IN_EVERY = dt.timedelta(days=30)
# A check-in shows among the to-dos this many days before it is due.
CHECK_IN_NOTICE = dt.timedelta(days=7)
# A performance conversation is due this many days after the verbal warning that calls for it.
CONVERSATION_WITHIN = dt.timedelta(days=14)
# The pages where the work of `todos` is done (the domain names no URL pattern; a test checks
# these against the URL configuration).
WARNINGS_URL = "/warnings/"
PLANS_URL = "/plans/"
MINE_URL = "/my/improvement/"
LOW_GRADES = frozenset({Review.Grade.C, Review.Grade.D})


def _scope(viewer_roles: Roles, prefix: str, *, own: bool = True) -> Q | None:
    """The condition on `<prefix>review` of the records the viewer sees; None: all of them.
    `own`: whether the employee sees their own (not for written warnings)."""
    nothing = Q(pk__in=[])
    if viewer_roles.sees_all_reviews:
        return None
    condition = nothing
    employee = viewer_roles.employee
    if viewer_roles.headed_department_id is not None and employee is not None:
        condition = Q(**{f"{prefix}review__department_id": viewer_roles.headed_department_id}) & ~Q(
            **{f"{prefix}review__employee_id": employee.pk}
        )
    if own and employee is not None:
        condition |= Q(**{f"{prefix}review__employee_id": employee.pk})
    return condition


def _limited(queryset: QuerySet[Any], viewer_roles: Roles, prefix: str = "", **kw: Any) -> Any:
    condition = _scope(viewer_roles, prefix, **kw)
    return queryset if condition is None else queryset.filter(condition)


def may_act_on(viewer_roles: Roles, review: Review) -> bool:
    """Whether the viewer acts on this review as HR or as the head of its department (never on
    their own review)."""
    if viewer_roles.is_hr:
        return True
    employee = viewer_roles.employee
    return (
        viewer_roles.headed_department_id == review.department_id
        and employee is not None
        and review.employee_id != employee.pk
    )


def is_own(viewer_roles: Roles, review: Review) -> bool:
    employee = viewer_roles.employee
    return employee is not None and review.employee_id == employee.pk


def sees_result(viewer_roles: Roles, review: Review) -> bool:
    """Whether the viewer sees the review's result (reviews' visibility)."""
    return Part.RESULT in parts_seen(viewer_roles=viewer_roles, review=review)


def is_low_score(review: Review) -> bool:
    """A review a conversation is held about: a verbal warning, or graded C or D."""
    return bool(review.verbal_warning) or review.grade in LOW_GRADES


# -- conversations ------------------------------------------------------------------------------


def conversation_list(
    *, viewer_roles: Roles, mine: bool = False, before_id: int | None = None
) -> QuerySet[Conversation]:
    """The conversations the viewer sees, newest first; `mine`: only those about the viewer."""
    conversations = _limited(Conversation.objects.all(), viewer_roles)
    if mine:
        employee = viewer_roles.employee
        conversations = (
            conversations.filter(review__employee=employee)
            if employee is not None
            else conversations.none()
        )
    if before_id is not None:
        conversations = conversations.filter(pk__lt=before_id)
    return (
        conversations.select_related(
            "review__employee",
            "review__department",
            "review__cycle",
            "recorded_by",
            "acknowledged_by",
        )
        .prefetch_related("actions")
        .order_by("-pk")
    )


def conversation_get(*, viewer_roles: Roles, conversation_id: int) -> Conversation | None:
    return conversation_list(viewer_roles=viewer_roles).filter(pk=conversation_id).first()


def review_for_action(*, viewer_roles: Roles, review_id: int) -> Review | None:
    """A review the viewer sees (reviews' visibility), to record a conversation about or start
    a plan from: whether they may is the services' to say."""
    return (
        visible_reviews(viewer_roles=viewer_roles)
        .filter(pk=review_id)
        .select_related("employee", "department", "cycle", "policy")
        .first()
    )


# -- plans --------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    plan: Plan
    last_check_in: dt.date | None
    check_in_due: dt.date | None  # when the next check-in is due (open plans)
    check_in_overdue: bool
    goals_overdue: int
    outcome_due: bool  # open and past its end date: HR judges it


def plan_list(
    *, viewer_roles: Roles, open_only: bool = False, before_id: int | None = None
) -> QuerySet[Plan]:
    plans = _limited(Plan.objects.all(), viewer_roles)
    if open_only:
        plans = plans.filter(closed_at__isnull=True)
    if before_id is not None:
        plans = plans.filter(pk__lt=before_id)
    return (
        plans.select_related(
            "employee", "review__employee", "review__department", "review__cycle", "judged_by"
        )
        .annotate(
            last_check_in=Max("check_ins__held_on"),
            goals_count=Count("goals", distinct=True),
        )
        .order_by("-pk")
    )


def plan_rows(plans: list[Plan], today: dt.date | None = None) -> list[PlanRow]:
    """The list's rows with what is overdue: a check-in, goals past due, the outcome. One query
    for the goals of the plans."""
    today = today or local_date(timezone.now())
    overdue_goals = dict(
        Goal.objects.filter(plan__in=[plan.pk for plan in plans], due_on__lt=today)
        .values_list("plan_id")
        .annotate(n=Count("pk"))
        .values_list("plan_id", "n")
    )
    rows = []
    for plan in plans:
        last = getattr(plan, "last_check_in", None)
        due = (last or plan.starts_on) + CHECK_IN_EVERY if plan.is_open else None
        rows.append(
            PlanRow(
                plan=plan,
                last_check_in=last,
                check_in_due=due,
                check_in_overdue=due is not None and due < today,
                goals_overdue=overdue_goals.get(plan.pk, 0) if plan.is_open else 0,
                outcome_due=plan.is_open and plan.ends_on < today,
            )
        )
    return rows


def plan_get(*, viewer_roles: Roles, plan_id: int) -> Plan | None:
    return (
        plan_list(viewer_roles=viewer_roles)
        .filter(pk=plan_id)
        .prefetch_related(
            "goals",
            Prefetch(
                "check_ins",
                queryset=CheckIn.objects.select_related("recorded_by").prefetch_related(
                    "progress__goal"
                ),
            ),
        )
        .first()
    )


def open_plan_of(*, employee_id: int) -> Plan | None:
    return Plan.objects.filter(employee_id=employee_id, closed_at__isnull=True).first()


def next_review(plan: Plan) -> Review | None:
    """The next quarter's review of the plan's employee (what the outcome is judged against)."""
    following = shift_period(plan.review.cycle.period, 1)
    if following is None:
        return None
    return (
        Review.objects.filter(employee_id=plan.employee_id, cycle__period=following)
        .select_related("cycle")
        .first()
    )


# -- written warnings ---------------------------------------------------------------------------


def written_warning_list(
    *, viewer_roles: Roles, acknowledged: bool | None = None, before_id: int | None = None
) -> QuerySet[WrittenWarning]:
    """The written warnings the viewer sees (HR and the director: all; a head: their
    department's, never their own; an employee: none), newest first."""
    if not (viewer_roles.sees_all_reviews or viewer_roles.is_head):
        return WrittenWarning.objects.none()
    warnings = _limited(WrittenWarning.objects.all(), viewer_roles, own=False)
    if acknowledged is not None:
        warnings = warnings.filter(acknowledged_at__isnull=not acknowledged)
    if before_id is not None:
        warnings = warnings.filter(pk__lt=before_id)
    return (
        warnings.select_related(
            "employee",
            "review__cycle",
            "review__department",
            "warning",
            "acknowledged_by",
        )
        .prefetch_related(
            Prefetch("counted", queryset=VerbalWarning.objects.select_related("review__cycle"))
        )
        .order_by("-pk")
    )


def written_warning_get(*, viewer_roles: Roles, written_warning_id: int) -> WrittenWarning | None:
    return written_warning_list(viewer_roles=viewer_roles).filter(pk=written_warning_id).first()


def written_warnings_to_flag(*, viewer_roles: Roles) -> QuerySet[WrittenWarning]:
    """The written warnings to flag to HR and the director on the dashboard: those HR has not
    acknowledged, without the warnings each counts (the dashboard names the employee and the
    quarter). Anyone else: none."""
    if not viewer_roles.sees_all_reviews:
        return WrittenWarning.objects.none()
    return written_warning_list(viewer_roles=viewer_roles, acknowledged=False).prefetch_related(
        None
    )


def warnings_marked(
    warnings: QuerySet[VerbalWarning], *, viewer_roles: Roles, written: bool | None = None
) -> QuerySet[VerbalWarning]:
    """The verbal warnings' list with what follows from each: its written warning (if it
    triggered one; `written` filters on it) and the conversations the viewer sees of its
    review."""
    if written is not None:
        warnings = warnings.filter(written_warning__isnull=not written)
    conversations = _limited(Conversation.objects.all(), viewer_roles).order_by("held_on", "pk")
    return warnings.select_related("written_warning").prefetch_related(
        Prefetch("review__conversations", queryset=conversations, to_attr="seen_conversations")
    )


# -- a review's page ----------------------------------------------------------------------------


@dataclass
class ReviewPanel:
    conversations: list[Conversation] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)  # started from it, or judged against it
    written_warning: WrittenWarning | None = None
    can_record: bool = False
    can_plan: bool = False

    @property
    def shown(self) -> bool:
        return bool(
            self.conversations
            or self.plans
            or self.written_warning
            or self.can_record
            or self.can_plan
        )


def review_panel(*, viewer_roles: Roles, review: Review) -> ReviewPanel:
    """What the review's page shows of conversations, plans and a written warning: the plans
    started from this review, and those whose outcome is judged against it (started from the
    previous quarter's review of the same employee)."""
    previous = shift_period(review.cycle.period, -1) or ""
    plans = _limited(Plan.objects.all(), viewer_roles).filter(
        Q(review=review) | Q(employee_id=review.employee_id, review__cycle__period=previous)
    )
    written = None
    if viewer_roles.sees_all_reviews or viewer_roles.is_head:
        written = (
            _limited(WrittenWarning.objects.all(), viewer_roles, own=False)
            .filter(review=review)
            .first()
        )
    conversations = _limited(Conversation.objects.all(), viewer_roles).filter(review=review)
    return ReviewPanel(
        conversations=list(conversations.order_by("held_on", "pk")),
        plans=list(plans.select_related("review__cycle").order_by("pk")),
        written_warning=written,
        can_record=workflow.holds(Action.RECORD_CONVERSATION, viewer_roles)
        and may_act_on(viewer_roles, review)
        and is_low_score(review),
        can_plan=workflow.holds(Action.CREATE_PLAN, viewer_roles)
        and bool(review.verbal_warning)
        and open_plan_of(employee_id=review.employee_id) is None,
    )


# -- what people must do now --------------------------------------------------------------------


def todos(*, viewer_roles: Roles, user: Any, now: dt.datetime | None = None) -> list[Todo]:
    """HR: warned reviews without a conversation, written warnings not acknowledged, plans whose
    outcome is due; a head: conversations to hold for their department, check-ins due; an
    employee: conversations to acknowledge. A fixed number of queries."""
    today = local_date(now or timezone.now())
    items: list[Todo] = []
    if viewer_roles.is_hr or viewer_roles.is_head:
        items.extend(_conversations_to_hold(viewer_roles, today))
    if viewer_roles.is_hr:
        unacknowledged = WrittenWarning.objects.filter(acknowledged_at__isnull=True).count()
        if unacknowledged:
            items.append(
                Todo(
                    kind="acknowledge_written_warning",
                    label=_("Acknowledge written warnings"),
                    url=WARNINGS_URL + "?written=yes",
                    count=unacknowledged,
                )
            )
        due = Plan.objects.filter(closed_at__isnull=True, ends_on__lt=today).aggregate(
            n=Count("pk"), first=Min("ends_on")
        )
        if due["n"]:
            items.append(
                Todo(
                    kind="judge_plan",
                    label=_("Judge improvement plans"),
                    url=PLANS_URL,
                    count=due["n"],
                    due=due["first"],
                    overdue=True,
                )
            )
    if viewer_roles.is_hr or viewer_roles.is_head:
        items.extend(_check_ins_due(viewer_roles, today))
    if viewer_roles.employee is not None:
        waiting = Conversation.objects.filter(
            review__employee=viewer_roles.employee, acknowledged_at__isnull=True
        ).count()
        if waiting:
            items.append(
                Todo(
                    kind="acknowledge_conversation",
                    label=_("Acknowledge your performance conversation"),
                    url=MINE_URL,
                    count=waiting,
                )
            )
    return items


def _acting_scope(viewer_roles: Roles, prefix: str = "") -> Q | None:
    """What the viewer acts on as HR (all) or as head (their department, not themself)."""
    if viewer_roles.is_hr:
        return None
    return _scope(viewer_roles, prefix, own=False)


def conversations_to_hold(viewer_roles: Roles) -> QuerySet[VerbalWarning]:
    """The verbal warnings whose review has no conversation yet, of the reviews the viewer acts
    on (HR: all; a head: their department's, not their own)."""
    warned = VerbalWarning.objects.filter(
        ~Exists(Conversation.objects.filter(review_id=OuterRef("review_id")))
    )
    condition = _acting_scope(viewer_roles)
    if condition is not None:
        warned = warned.filter(condition)
    return warned


def conversation_due(warned_at: dt.datetime) -> dt.date:
    """The day by which the conversation a verbal warning calls for is to be held."""
    return local_date(warned_at) + CONVERSATION_WITHIN


def _conversations_to_hold(viewer_roles: Roles, today: dt.date) -> list[Todo]:
    found = conversations_to_hold(viewer_roles).aggregate(
        n=Count("review_id", distinct=True), first=Min("created_at")
    )
    if not found["n"]:
        return []
    due = conversation_due(found["first"])
    return [
        Todo(
            kind="hold_conversation",
            label=_("Hold and record performance conversations"),
            url=WARNINGS_URL,
            count=found["n"],
            due=due,
            overdue=due < today,
        )
    ]


def check_ins_due(viewer_roles: Roles, by: dt.date) -> QuerySet[Plan]:
    """The open plans the viewer acts on (HR: all; a head: their department's, not their own)
    whose next check-in (`CHECK_IN_EVERY` after the last one, or after the start) is due on or
    before `by`."""
    plans = Plan.objects.filter(closed_at__isnull=True)
    condition = _acting_scope(viewer_roles)
    if condition is not None:
        plans = plans.filter(condition)
    cutoff = by - CHECK_IN_EVERY
    check_ins = CheckIn.objects.filter(plan_id=OuterRef("pk"))
    return plans.filter(
        ~Exists(check_ins.filter(held_on__gt=cutoff)),
        Q(starts_on__lte=cutoff) | Exists(check_ins),
    )


def _check_ins_due(viewer_roles: Roles, today: dt.date) -> list[Todo]:
    dues = [
        (last or starts_on) + CHECK_IN_EVERY
        for last, starts_on in check_ins_due(viewer_roles, today + CHECK_IN_NOTICE)
        .annotate(last=Max("check_ins__held_on"))
        .values_list("last", "starts_on")
    ]
    if not dues:
        return []
    return [
        Todo(
            kind="check_in",
            label=_("Hold improvement plan check-ins"),
            url=PLANS_URL,
            count=len(dues),
            due=min(dues),
            overdue=min(dues) < today,
        )
    ]
