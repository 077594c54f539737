"""The day's messages: each person's digest (their notifications of the day as one message)
and the reminders of deadlines coming up or passed (from each person's to-dos). Both run from
the beat once a day and again from the sweep, and both are safe to run twice: a digest is
unique per person and day, a reminder per person, kind of work, deadline and phase."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from calendars import selectors as calendars
from hrperf.lib.todos import Todo
from notifications.models import DailyRun, Digest, Notification
from notifications.services.notify import (
    Event,
    hand_out,
    notify,
    people,
    person_deliveries,
    personal_robots_of,
)
from reviews.selectors import todos as todo_selectors

DIGESTS = "digests"
DEADLINES = "deadlines"


def claim_day(name: str, now: dt.datetime) -> bool:
    """Record today's run of `name`; False if it ran (or runs) already."""
    try:
        with transaction.atomic():
            DailyRun.objects.create(name=name, day=timezone.localtime(now).date())
    except IntegrityError:
        return False
    return True


def daily_due(now: dt.datetime) -> list[str]:
    """The daily jobs that should have run by `now` and have not (for the sweep): one query,
    and the calendar's only when the reminders are not recorded yet."""
    day = timezone.localtime(now).date()
    ran = set(DailyRun.objects.filter(day=day).values_list("name", flat=True))
    due = []
    if DIGESTS not in ran and digest_due(now):
        due.append(DIGESTS)
    if DEADLINES not in ran and reminder_due(now):
        due.append(DEADLINES)
    return due


def digest_due(now: dt.datetime) -> bool:
    """Whether today's digests should have gone by `now` (past NOTIFY_DIGEST_HOUR)."""
    return timezone.localtime(now).hour >= settings.NOTIFY_DIGEST_HOUR


def digests_make(*, now: dt.datetime | None = None) -> int:
    """Make today's digest of everyone whose digest notifications wait, once a day; returns how
    many digests were made. A notification made after the day's run waits for tomorrow's."""
    now = now or timezone.now()
    if not claim_day(DIGESTS, now):
        return 0
    day = timezone.localtime(now).date()
    waiting = (
        Notification.objects.filter(for_digest=True, digest__isnull=True, created_at__lte=now)
        .exclude(user_id__in=Digest.objects.filter(day=day).values("user_id"))
        .values_list("user_id", flat=True)
        .distinct()
    )
    made = 0
    for user_id in list(waiting):
        made += _digest_make(user_id, day, now)
    return made


def _digest_make(user_id: int, day: dt.date, now: dt.datetime) -> int:
    person = people([user_id]).get(user_id)
    ids: list[int] = []
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user_id=user_id, day=day)
            count = Notification.objects.filter(
                user_id=user_id, for_digest=True, digest__isnull=True, created_at__lte=now
            ).update(digest=digest)
            if count and person is not None:
                event = Event(
                    kind="digest", key=f"digest:{digest.pk}", context={"digest_id": digest.pk}
                )
                robots = personal_robots_of({user_id: person}).get(user_id, [])
                deliveries = person_deliveries(event, person, robots, now)
                for delivery in deliveries:
                    delivery.save()
                ids = [d.pk for d in deliveries]
    except IntegrityError:  # another run made today's digest of this person
        return 0
    transaction.on_commit(lambda: hand_out(ids))
    return 1


def reminder_due(now: dt.datetime) -> bool:
    """Whether today's deadline reminders should have gone by `now` (past
    NOTIFY_REMINDER_HOUR on a working day: the calendar is read only past the hour)."""
    local = timezone.localtime(now)
    if local.hour < settings.NOTIFY_REMINDER_HOUR:
        return False
    today = local.date()
    return calendars.working_days_after(today - dt.timedelta(days=1), 1) == today


TodoSource = Callable[[Any], Sequence[Todo]]


def deadlines_remind(*, todos_of: TodoSource | None = None, now: dt.datetime | None = None) -> int:
    """Tell each person of their to-dos due within NOTIFY_DEADLINE_NOTICE working days, and of
    those past due, once per kind of work, deadline and phase (a reminder told already is not
    told again); how many reminders were due."""
    now = now or timezone.now()
    if not claim_day(DEADLINES, now):
        return 0
    source = todos_of or todo_selectors.todos_of
    today = timezone.localtime(now).date()
    soon = calendars.working_days_after(today, settings.NOTIFY_DEADLINE_NOTICE)
    events: list[Event] = []
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    persons = people(users.values_list("pk", flat=True))
    for user in users.iterator(chunk_size=500):
        person = persons.get(user.pk)
        with override(person.preference.language if person else settings.LANGUAGE_CODE):
            for todo in source(user):
                if todo.due is None or not (todo.overdue or todo.due <= soon):
                    continue
                events.append(_reminder(user.pk, todo))
    with transaction.atomic():
        notify(events)
    return len(events)


def _reminder(user_id: int, todo: Todo) -> Event:
    phase = "passed" if todo.overdue else "soon"
    return Event(
        kind="deadline",
        key=f"deadline:{todo.kind}:{todo.due}:{phase}",
        context={
            "label": str(todo.label),
            "due": todo.due.isoformat() if todo.due else "",
            "count": todo.count,
            "overdue": todo.overdue,
            "url": todo.url,
        },
        users=[user_id],
    )
