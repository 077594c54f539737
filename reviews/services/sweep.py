"""The sweep: queue again the background work that is due and was never picked up.

Every piece of background work is written down in the database, in the same transaction as the
change that calls for it, before its task is queued: a review waiting in `submitted` to be
scored, a cycle job `queued`, a verbal warning HR has not been mailed about, a webhook delivery
`pending`, a print job `queued` (printouts); and the director's reminder is due each weekday
morning until its day is recorded.
The task is only a nudge. When it is lost (the broker was down when it was to be queued, or its
worker died for good), the sweep finds the work by its state once it has waited SWEEP_GRACE
seconds, and queues it again. The beat runs it every SWEEP_INTERVAL seconds
(`reviews.sweep_due_work`); `python manage.py sweep_due_work` runs the same.

Queueing something twice is harmless: every task claims its work with a conditional update
(a review is scored only at the revision it was read at and only while still submitted; a job is
claimed queued → running and then held; a warning is marked mailed before the mail goes; a
delivery is leased; the reminder's day is recorded before the mail goes), so a second message
finds nothing to do.

At most eight queries (and the calendar's, on the morning the deadline reminders were missed),
each on an index made for it, at most SWEEP_BATCH rows of each kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from typing import Any, Final

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from clients.services import webhooks_sweep
from hrperf.lib.tasks import publish, resume_publishing
from notifications.services.sweep import notifications_sweep
from printouts.services import printjobs_sweep
from reviews.models import CycleJob, DirectorReminder, Review, VerbalWarning
from reviews.services.quarters import JOB_TASKS
from reviews.services.reminders import reminder_due

SWEEP_BATCH: Final = 500
Status = CycleJob.Status


@dataclass(frozen=True, slots=True)
class Swept:
    """How many of each kind the sweep queued."""

    jobs: int = 0
    scoring: int = 0
    warnings: int = 0
    webhooks: int = 0
    reminders: int = 0
    printouts: int = 0
    notifications: int = 0

    @property
    def total(self) -> int:
        return sum(astuple(self))


def due_work_sweep(*, now: dt.datetime | None = None) -> Swept:
    """Queue the work that is due and has waited more than SWEEP_GRACE seconds."""
    now = now or timezone.now()
    waited_since = now - dt.timedelta(seconds=settings.SWEEP_GRACE)
    resume_publishing()
    return Swept(
        jobs=_sweep_jobs(now, waited_since),
        scoring=_sweep_scoring(waited_since),
        warnings=_sweep_warnings(waited_since),
        webhooks=webhooks_sweep(now=now),
        reminders=_sweep_reminder(waited_since),
        printouts=printjobs_sweep(now=now),
        notifications=notifications_sweep(now=now),
    )


def _sweep_jobs(now: dt.datetime, waited_since: dt.datetime) -> int:
    """Jobs queued and never started, and running jobs whose hold ran out (their worker died)."""
    due = (
        CycleJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING])
        .filter(
            Q(status=Status.QUEUED, created_at__lte=waited_since)
            | Q(status=Status.RUNNING, lease_until__isnull=True)
            | Q(status=Status.RUNNING, lease_until__lte=now)
        )
        .order_by("created_at")
        .values_list("pk", "kind")[:SWEEP_BATCH]
    )
    return _publish_each((JOB_TASKS[kind], job_id) for job_id, kind in due)


def _sweep_scoring(waited_since: dt.datetime) -> int:
    """Reviews submitted (at their current revision) and not scored since, but for those of a
    quarter being rescored: its job scores them."""
    rescoring = CycleJob.objects.filter(
        cycle_id=OuterRef("cycle_id"),
        kind=CycleJob.Kind.RESCORE,
        status__in=[Status.QUEUED, Status.RUNNING],
    )
    due = (
        Review.objects.filter(state=Review.State.SUBMITTED, updated_at__lte=waited_since)
        .filter(~Exists(rescoring))
        .order_by("updated_at")
        .values_list("pk", "revision")[:SWEEP_BATCH]
    )
    return _publish_each(("reviews.score_review", pk, revision) for pk, revision in due)


def _sweep_warnings(waited_since: dt.datetime) -> int:
    """Warnings HR was never mailed about (and has not acknowledged), in one task."""
    due = list(
        VerbalWarning.objects.filter(
            notified_at__isnull=True, acknowledged_at__isnull=True, created_at__lte=waited_since
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if due and publish("reviews.notify_warnings", due):
        return len(due)
    return 0


def _sweep_reminder(waited_since: dt.datetime) -> int:
    """The director's reminder of the day, if it was due and was not sent (the beat could not
    queue it, or its task was lost); never one of an earlier day."""
    if not reminder_due(waited_since):
        return 0
    if DirectorReminder.objects.filter(day=timezone.localdate(waited_since)).exists():
        return 0
    return int(publish("reviews.remind_director"))


def _publish_each(messages: Iterable[tuple[Any, ...]]) -> int:
    """Queue each (task name, *arguments); stop at the first the broker refuses."""
    queued = 0
    for name, *args in messages:
        if not publish(name, *args):
            break
        queued += 1
    return queued
