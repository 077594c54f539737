"""The notifications' part of the sweep (`reviews.services.sweep`): deliveries due and not sent,
and a daily job the beat missed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hrperf.lib.tasks import publish
from notifications.services.daily import PART_PREFIX, PART_TASK, daily_due
from notifications.services.deliver import deliveries_sweep

DAILY_TASKS = {"digests": "notifications.digests", "deadlines": "notifications.deadlines"}


def notifications_sweep(*, now: dt.datetime | None = None) -> int:
    """Queue what is due; how many tasks' worth of work was queued."""
    now = now or timezone.now()
    queued = deliveries_sweep(now=now)
    day = timezone.localtime(now).date().isoformat()
    for name in daily_due(now):
        if name.startswith(PART_PREFIX):
            queued += int(publish(PART_TASK, name, day))
        else:
            queued += int(publish(DAILY_TASKS[name]))
    return queued
