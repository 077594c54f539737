"""Reading the calendar and the deadlines: what is due when, and whether it has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Field, Q
from django.utils import timezone
from django.utils.translation import ngettext

from calendars import workdays
from calendars.models import (
    DEFAULT_ANSWER_WORKING_DAYS,
    DEFAULT_APPEAL_WORKING_DAYS,
    CalendarDay,
    QuarterDeadlines,
)
from hrperf.lib.roles import Roles
from hrperf.lib.todos import Todo
from reviews import workflow
from reviews.models import AuditEvent, Review, ReviewCycle


@dataclass(frozen=True)
class Deadlines:
    """A quarter's deadlines (None: not set) and its appeal windows in working days."""

    self_assessment_due: date | None = None
    rating_due: date | None = None
    approval_due: date | None = None
    appeal_working_days: int = DEFAULT_APPEAL_WORKING_DAYS
    answer_working_days: int = DEFAULT_ANSWER_WORKING_DAYS


def deadlines_of(cycle: ReviewCycle | int) -> Deadlines:
    """The quarter's deadlines (one query); the defaults when HR has set none."""
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    row = QuarterDeadlines.objects.filter(cycle_id=cycle_id).first()
    if row is None:
        return Deadlines()
    return Deadlines(
        self_assessment_due=row.self_assessment_due,
        rating_due=row.rating_due,
        approval_due=row.approval_due,
        appeal_working_days=row.appeal_working_days,
        answer_working_days=row.answer_working_days,
    )


def _exceptions(start: date) -> tuple[set[date], set[date]]:
    """The listed holidays and working weekend days from `start` on (one query)."""
    holidays: set[date] = set()
    working: set[date] = set()
    rows = CalendarDay.objects.filter(day__gt=start).values_list("day", "kind")
    for day, kind in rows:
        (holidays if kind == CalendarDay.Kind.HOLIDAY else working).add(day)
    return holidays, working


def working_days_after(start: date, count: int) -> date:
    """The `count`-th working day after `start`, by the calendar HR keeps (one query)."""
    holidays, working = _exceptions(start)
    return workdays.add_working_days(start, count, holidays=holidays, workdays=working)


def local_date(moment: datetime) -> date:
    """The date of a moment in the product's time zone."""
    return timezone.localtime(moment).date()


def appeal_window_ends(review: Review) -> date | None:
    """The last day the employee may confirm or appeal the approved version (None: the review
    is not approved): `appeal_working_days` working days after the day it was approved."""
    if review.state != Review.State.APPROVED or review.approved_at is None:
        return None
    days = deadlines_of(review.cycle_id).appeal_working_days
    return working_days_after(local_date(review.approved_at), days)


def end_of(day: date) -> datetime:
    """The first moment after `day`, in the product's time zone: when a deadline has passed."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def is_past(due: date | None, *, now: datetime | None = None) -> bool:
    """Whether a deadline has passed (a deadline not set never passes)."""
    if due is None:
        return False
    return (now or timezone.now()) >= end_of(due)


# -- a deadline's state, as pages show it ------------------------------------------------------

SOON_DAYS = 3  # a deadline this many days away or fewer is near


@dataclass(frozen=True)
class DeadlineStatus:
    """A deadline seen from now: `days_left` counts calendar days from today (local) to the due
    day (0: due today; negative once it has passed). None when no deadline is set."""

    due: date | None
    past: bool
    days_left: int | None

    @property
    def soon(self) -> bool:
        return not self.past and self.days_left is not None and self.days_left <= SOON_DAYS

    @property
    def today(self) -> bool:
        return self.days_left == 0


def deadline_status(due: date | None, *, now: datetime | None = None) -> DeadlineStatus:
    """Whether `due` has passed, and how many days are left (no query)."""
    if due is None:
        return DeadlineStatus(due=None, past=False, days_left=None)
    moment = now or timezone.now()
    return DeadlineStatus(
        due=due, past=is_past(due, now=moment), days_left=(due - local_date(moment)).days
    )


DATE_FIELDS = ("self_assessment_due", "rating_due", "approval_due")
COUNT_FIELDS = ("appeal_working_days", "answer_working_days")
DEADLINE_FIELDS = (*DATE_FIELDS, *COUNT_FIELDS)


def field_label(name: str) -> str:
    """A deadline field's name in the viewer's language (an unknown name as it is)."""
    if name not in DEADLINE_FIELDS:
        return name
    field = QuarterDeadlines._meta.get_field(name)
    assert isinstance(field, Field)
    return str(field.verbose_name)


@dataclass(frozen=True)
class DeadlineRow:
    name: str  # self_assessment_due, rating_due, approval_due
    label: str
    status: DeadlineStatus


@dataclass(frozen=True)
class QuarterDeadlinesView:
    """What the quarter's page shows of its deadlines."""

    deadlines: Deadlines
    rows: list[DeadlineRow]

    @property
    def is_set(self) -> bool:
        return any(row.status.due is not None for row in self.rows)


def quarter_deadlines(
    cycle: ReviewCycle | int, *, now: datetime | None = None
) -> QuarterDeadlinesView:
    """The quarter's deadlines, each with its state from now (one query)."""
    deadlines = deadlines_of(cycle)
    moment = now or timezone.now()
    return QuarterDeadlinesView(
        deadlines=deadlines,
        rows=[
            DeadlineRow(
                name=name,
                label=field_label(name),
                status=deadline_status(getattr(deadlines, name), now=moment),
            )
            for name in DATE_FIELDS
        ],
    )


def deadlines_history(cycle: ReviewCycle) -> list[AuditEvent]:
    """Every change of the quarter's deadlines, oldest first (one query)."""
    return list(
        AuditEvent.objects.filter(cycle=cycle, action=AuditEvent.Action.DEADLINES_CHANGED)
        .select_related("actor")
        .order_by("at", "id")
    )


# -- the calendar --------------------------------------------------------------------------------


def calendar_days(*, year: int | None = None) -> list[CalendarDay]:
    """The listed days (holidays and working weekend days), of one year or all (one query)."""
    rows = CalendarDay.objects.order_by("day")
    if year is not None:
        rows = rows.filter(day__year=year)
    return list(rows)


def calendar_years() -> list[int]:
    """The years that have listed days, in order (one query)."""
    return sorted({day.year for day in CalendarDay.objects.values_list("day", flat=True)})


# -- what HR must do -----------------------------------------------------------------------------

DEADLINES_PATH = "/quarters/{period}/deadlines/"  # the page `calendars:deadlines`


def cycles_without_deadlines() -> list[ReviewCycle]:
    """The open quarters none of whose three deadlines is set, newest first (one query)."""
    unset = Q(deadlines__isnull=True) | Q(
        deadlines__self_assessment_due__isnull=True,
        deadlines__rating_due__isnull=True,
        deadlines__approval_due__isnull=True,
    )
    return list(
        ReviewCycle.objects.filter(unset, status=ReviewCycle.Status.OPEN).order_by("-period")
    )


def todos(*, viewer_roles: Roles, user: Any, now: datetime | None = None) -> list[Todo]:
    """For HR: one item for the open quarters whose deadlines are not set yet, linking to the
    newest one's deadlines page (one query); nothing for anyone else (no query). Setting them
    has no deadline of its own (`now` is accepted as every part's `todos` accepts it)."""
    if not workflow.holds(workflow.Action.SET_DEADLINES, viewer_roles):
        return []
    cycles = cycles_without_deadlines()
    if not cycles:
        return []
    periods = ", ".join(cycle.period for cycle in cycles)
    label = ngettext(
        "Set the deadlines of quarter %(periods)s",
        "Set the deadlines of quarters %(periods)s",
        len(cycles),
    ) % {"periods": periods}
    return [
        Todo(
            kind="set_deadlines",
            label=label,
            url=DEADLINES_PATH.format(period=cycles[0].period),
            count=len(cycles),
        )
    ]
