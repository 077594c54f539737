"""The day's messages: each person's digest (their notifications of the day as one message)
and the reminders of deadlines coming up or passed (from each person's to-dos). Both run from
the beat once a day and again from the sweep, and both are safe to run twice: a digest is
unique per person and day, a reminder per person, kind of work, deadline and phase."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from calendars import selectors as calendars
from hrperf.lib.tasks import publish_on_commit
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
PART_PREFIX = f"{DEADLINES}:"
PART_TASK = "notifications.deadlines_part"


def claim_day(name: str, now: dt.datetime) -> bool:
    """Record today's run of `name`; False if it ran (or runs) already."""
    try:
        with transaction.atomic():
            DailyRun.objects.create(name=name, day=timezone.localtime(now).date())
    except IntegrityError:
        return False
    return True


def daily_due(now: dt.datetime) -> list[str]:
    """The daily jobs that should have run by `now` and have not, and the parts of today's
    deadline reminders left unfinished SWEEP_GRACE seconds after they were planned (their task
    was lost, or its worker died), by name (for the sweep): one query, and the calendar's only
    when the reminders are not recorded yet."""
    day = timezone.localtime(now).date()
    waited_since = now - dt.timedelta(seconds=settings.SWEEP_GRACE)
    rows = DailyRun.objects.filter(day=day, finished_at__isnull=True).values_list(
        "name", "started_at"
    )
    ran = set()
    parts = []
    for name, started_at in rows:
        if not name.startswith(PART_PREFIX):
            ran.add(name)
        elif started_at <= waited_since:
            parts.append(name)
    due = []
    if DIGESTS not in ran and digest_due(now):
        due.append(DIGESTS)
    if DEADLINES not in ran and reminder_due(now):
        due.append(DEADLINES)
    return due + sorted(parts, key=lambda name: Part.of(name, day).first)


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


@dataclass(frozen=True)
class Part:
    """One part of a day's deadline reminders: the active people whose login ids lie from
    `first` to `last`."""

    day: dt.date
    first: int
    last: int

    @property
    def name(self) -> str:
        return f"{PART_PREFIX}{self.first}-{self.last}"

    @classmethod
    def of(cls, name: str, day: dt.date) -> Part:
        first, _, last = name.removeprefix(PART_PREFIX).partition("-")
        return cls(day=day, first=int(first), last=int(last))


def deadlines_plan(*, now: dt.datetime | None = None) -> list[Part]:
    """Record today's run of the deadline reminders and its parts, NOTIFY_REMINDER_PART active
    people each, in one transaction; the parts to run (none if today's run exists). The task
    hands each part to the workers, so that any number of them share the day's work; the sweep
    queues again a part left unfinished."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    with transaction.atomic():
        if not claim_day(DEADLINES, now):
            return []
        ids = list(
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        size = settings.NOTIFY_REMINDER_PART
        parts = [
            Part(day=day, first=chunk[0], last=chunk[-1])
            for chunk in (ids[at : at + size] for at in range(0, len(ids), size))
        ]
        DailyRun.objects.bulk_create(DailyRun(name=part.name, day=day) for part in parts)
    return parts


def deadlines_part_run(
    part: Part, *, todos_of: TodoSource | None = None, now: dt.datetime | None = None
) -> int:
    """Tell each person of the part of their to-dos due within NOTIFY_DEADLINE_NOTICE working
    days, and of those past due, once per kind of work, deadline and phase (a reminder told
    already is not told again); how many reminders were due. The reminders and the part's
    end are recorded together: a part run twice, or after a worker died in it, tells nobody
    twice."""
    now = now or timezone.now()
    if DailyRun.objects.filter(day=part.day, name=part.name, finished_at__isnull=False).exists():
        return 0
    source = todos_of or todo_selectors.todos_of
    soon = calendars.working_days_after(part.day, settings.NOTIFY_DEADLINE_NOTICE)
    users = get_user_model().objects.filter(is_active=True, pk__gte=part.first, pk__lte=part.last)
    persons = people(users.values_list("pk", flat=True))
    events: list[Event] = []
    for user in users.order_by("pk"):
        person = persons.get(user.pk)
        with override(person.preference.language if person else settings.LANGUAGE_CODE):
            for todo in source(user):
                if todo.due is None or not (todo.overdue or todo.due <= soon):
                    continue
                events.append(_reminder(user.pk, todo))
    with transaction.atomic():
        finished = DailyRun.objects.filter(
            day=part.day, name=part.name, finished_at__isnull=True
        ).update(finished_at=now)
        if not finished:  # another run of the part got there first, or the day is gone
            return 0
        notify(events)
    return len(events)


def deadlines_start(*, now: dt.datetime | None = None) -> int:
    """Plan today's deadline reminders and queue each part once the plan commits, for any
    worker to take; how many parts."""
    with transaction.atomic():
        parts = deadlines_plan(now=now)
        for part in parts:
            publish_on_commit(PART_TASK, part.name, part.day.isoformat())
    return len(parts)


def deadlines_remind(*, todos_of: TodoSource | None = None, now: dt.datetime | None = None) -> int:
    """Today's deadline reminders in this process, every part one after the other (the task
    hands the parts to the workers instead); how many reminders were due."""
    return sum(
        deadlines_part_run(part, todos_of=todos_of, now=now) for part in deadlines_plan(now=now)
    )


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
