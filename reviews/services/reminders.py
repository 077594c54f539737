"""The marketing director's morning reminder of the reviews waiting for approval: on weekdays
at REMINDER_HOUR (the beat's schedule, hrperf/celery.py), once a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Final

from django.db import IntegrityError, transaction
from django.utils import timezone

from hrperf.lib.roles import DIRECTOR
from notifications.selectors import group_members
from notifications.services.notify import Event, notify
from reviews.models import DirectorReminder, Review, ReviewCycle

REMINDER_HOUR: Final = 9


def reminder_due(now: dt.datetime) -> bool:
    """Whether the day's reminder should have gone by `now` (a weekday, past the hour)."""
    local = timezone.localtime(now)
    return local.weekday() < 5 and local.hour >= REMINDER_HOUR


def director_remind(*, day: dt.date | None = None) -> int:
    """Tell the marketing director the number of scored reviews waiting for approval, once a
    day: the day is claimed first (a repeated task tells nothing twice). Returns how many
    reviews are waiting (0 when the day's reminder went already)."""
    day = day or timezone.localdate()
    try:
        with transaction.atomic():
            DirectorReminder.objects.create(day=day)
            return _remind(day)
    except IntegrityError:
        return 0


def _remind(day: dt.date) -> int:
    counts = Counter(
        Review.objects.filter(
            state=Review.State.SCORED, cycle__status=ReviewCycle.Status.OPEN
        ).values_list("cycle__period", flat=True)
    )
    if not counts:
        return 0
    notify(
        [
            Event(
                kind="approvals_waiting",
                key=f"approvals_waiting:{day.isoformat()}",
                context={"counts": dict(counts)},
                users=group_members(DIRECTOR),
                group="director",
            )
        ]
    )
    return sum(counts.values())
