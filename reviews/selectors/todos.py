"""Everything one person must do now (待办), from every part of the product, each item with
its deadline and whether it is overdue, overdue first: `todos_of(user)`. The dashboard, the
navigation's count, the to-do page, the API and the notification worker (daily digests,
deadline reminders) all call it; it needs no request, and runs a fixed number of queries
however many reviews, quarters, appeals or plans there are.

The quarter's review work (HR's and the director's) is counted here, for every open quarter,
each kind with the quarter's deadline it answers to; every other kind comes from its own app's
`todos` selector (`SOURCES`). The kinds are stable names (`KINDS`): clients and the worker key
on them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import selectors as appeals
from calendars import selectors as calendars
from departments.models import Competency
from hrperf.lib.roles import Roles, roles_of
from hrperf.lib.todos import Summary, Todo, ordered, summary_of
from improvement import selectors as improvement
from reviews.models import AssessorRole, CompetencyRating, Review, ReviewCycle
from reviews.selectors import warnings
from selfassessments import selectors as selfassessments

logger = logging.getLogger(__name__)

# Each part of the product that gives people work answers `todos(viewer_roles=…, user=…,
# now=…)`.
SOURCES = (
    calendars.todos,
    selfassessments.todos,
    appeals.todos,
    improvement.todos,
    warnings.todos,
)

# The quarter's review work: what it asks, which deadline of the quarter it answers to, and
# which of the quarter's reviews it lists (the review list's filters; "to_approve": the queue).
REVIEW_WORK: dict[str, tuple[Any, str, dict[str, str]]] = {
    "to_approve": (_("Scored, awaiting your approval"), "approval_due", {}),
    "director_ratings": (
        _("Drafts still missing your competency ratings"),
        "rating_due",
        {"state": Review.State.DRAFT, "needs": "director_ratings"},
    ),
    "hr_ratings": (
        _("Drafts still missing HR's competency ratings"),
        "rating_due",
        {"state": Review.State.DRAFT, "needs": "hr_ratings"},
    ),
    "incomplete": (
        _("Drafts still missing figures or ratings"),
        "rating_due",
        {"state": Review.State.DRAFT, "needs": "incomplete"},
    ),
    "ready": (
        _("Complete drafts ready to submit"),
        "approval_due",
        {"state": Review.State.DRAFT, "needs": "ready"},
    ),
    "returned": (
        _("Returned by the director: answer and submit again"),
        "approval_due",
        {"state": Review.State.RETURNED},
    ),
    "reopened": (
        _("Reopened by the director: correct and submit again"),
        "approval_due",
        {"state": Review.State.REOPENED},
    ),
}
DIRECTOR_WORK = ("to_approve", "director_ratings")
HR_WORK = ("returned", "reopened", "incomplete", "ready", "hr_ratings")
QUEUE_URL = "/queue/"  # the page `reviews:queue`
REVIEW_LIST_URL = "/quarters/{period}/reviews/"  # the page `reviews:review_list`

# Every kind of to-do, by who has it (the names never change).
KINDS = (
    *DIRECTOR_WORK,
    *HR_WORK,
    "set_deadlines",  # HR (calendars)
    "self_assess",  # the employee (selfassessments)
    "confirm_result",  # the employee (appeals)
    "answer_appeal",  # HR (appeals)
    "hold_conversation",  # HR, a head (improvement)
    "acknowledge_conversation",  # the employee (improvement)
    "acknowledge_written_warning",  # HR (improvement)
    "judge_plan",  # HR (improvement)
    "check_in",  # HR, a head (improvement)
    "acknowledge_verbal_warning",  # HR (reviews.selectors.warnings)
)

# The navigation's count is kept this many seconds per person (and refreshed whenever the full
# list is read): a change shows in the count within this time at most.
SUMMARY_SECONDS = 60


def moment_of(today: dt.date | None) -> dt.datetime:
    """The moment from which to judge the deadlines: now, or the start of `today` (local),
    when a deadline of the day before has just passed."""
    if today is None:
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, dt.time.min))


def todos_of(user: Any, *, today: dt.date | None = None) -> list[Todo]:
    """Every to-do of `user`, overdue first, then by the nearest deadline; `today` judges the
    deadlines as of the start of that day (the worker's digest). A fixed number of queries."""
    roles = roles_of(user)
    now = moment_of(today)
    items = review_work(viewer_roles=roles, now=now)
    for source in SOURCES:
        items.extend(source(viewer_roles=roles, user=user, now=now))
    found = ordered(items)
    if today is None:
        _remember(user, summary_of(found))
    return found


def _rated(role: str) -> Coalesce:
    ratings = (
        CompetencyRating.objects.filter(review=OuterRef("pk"), assessor_role=role)
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ratings, output_field=IntegerField()), Value(0))


def review_counts(kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """Of every open quarter with reviews: its period, deadlines and how many reviews wait for
    each kind of work (two queries)."""
    competencies = Competency.objects.count()
    draft = Q(state=Review.State.DRAFT)
    counts = {
        "to_approve": Count("pk", filter=Q(state=Review.State.SCORED)),
        "returned": Count("pk", filter=Q(state=Review.State.RETURNED)),
        "reopened": Count("pk", filter=Q(state=Review.State.REOPENED)),
        "incomplete": Count("pk", filter=draft & ~Q(incomplete_reasons=[])),
        "ready": Count("pk", filter=draft & Q(incomplete_reasons=[])),
        "director_ratings": Count("pk", filter=draft & Q(director_rated__lt=competencies)),
        "hr_ratings": Count("pk", filter=draft & Q(hr_rated__lt=competencies)),
    }
    return list(
        Review.objects.filter(cycle__status=ReviewCycle.Status.OPEN)
        .annotate(
            director_rated=_rated(AssessorRole.MARKETING_DIRECTOR), hr_rated=_rated(AssessorRole.HR)
        )
        .values("cycle__period", "cycle__deadlines__rating_due", "cycle__deadlines__approval_due")
        .annotate(**{kind: counts[kind] for kind in kinds})
        .order_by("cycle__period")
    )


def review_work_url(kind: str, period: str) -> str:
    if kind == "to_approve":
        return QUEUE_URL
    return REVIEW_LIST_URL.format(period=period) + "?" + urlencode(REVIEW_WORK[kind][2])


def review_work(*, viewer_roles: Roles, now: dt.datetime | None = None) -> list[Todo]:
    """The open quarters' reviews waiting for the director (to approve, to rate) or HR (to
    rate, complete, submit, submit again once returned or reopened), one item per kind and
    quarter, with the quarter's deadline of that kind. Two queries; none for anyone else."""
    kinds = (DIRECTOR_WORK if viewer_roles.is_director else ()) + (
        HR_WORK if viewer_roles.is_hr else ()
    )
    if not kinds:
        return []
    items = []
    for row in review_counts(kinds):
        period = row["cycle__period"]
        for kind in kinds:
            if not row[kind]:
                continue
            label, deadline, _filters = REVIEW_WORK[kind]
            due = row[f"cycle__deadlines__{deadline}"]
            items.append(
                Todo(
                    kind=kind,
                    label=label,
                    url=review_work_url(kind, period),
                    count=row[kind],
                    due=due,
                    overdue=calendars.is_past(due, now=now),
                    period=period,
                )
            )
    return items


# -- the navigation's count ------------------------------------------------------------------


def _summary_key(user: Any) -> str:
    return f"todos:summary:{user.pk}"


def _remember(user: Any, summary: Summary) -> None:
    try:
        cache.set(_summary_key(user), (summary.count, summary.overdue), SUMMARY_SECONDS)
    except Exception:  # the cache is a convenience: never fail a request for it
        logger.warning("The to-do count cannot be kept: the cache is not available")


def todo_summary(user: Any) -> Summary:
    """How many to-dos `user` has and how many are overdue (the navigation's count): kept
    `SUMMARY_SECONDS` per person, so a page sends no query for it while it is kept; otherwise
    the whole list is read and the count kept. Anyone not signed in has none."""
    if not getattr(user, "is_authenticated", False):
        return Summary()
    try:
        kept = cache.get(_summary_key(user))
    except Exception:
        logger.warning("The to-do count cannot be read from the cache: counting it again")
        kept = None
    if kept is not None:
        return Summary(count=kept[0], overdue=kept[1])
    summary = summary_of(todos_of(user))
    _remember(user, summary)
    return summary


def forget_summary(user: Any) -> None:
    """Drop the kept count of `user` (after they did something the count may show)."""
    try:
        cache.delete(_summary_key(user))
    except Exception:
        logger.warning("The to-do count cannot be dropped: the cache is not available")
