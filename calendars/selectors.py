"""Reading the calendar and the deadlines: what is due when, and whether it has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from calendars import workdays
from calendars.models import (
    DEFAULT_ANSWER_WORKING_DAYS,
    DEFAULT_APPEAL_WORKING_DAYS,
    CalendarDay,
    QuarterDeadlines,
)
from reviews.models import Review, ReviewCycle


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
