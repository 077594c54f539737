"""Background jobs held by a lease: a row with `status` ("queued", "running", …), `lease` (the
run holding it) and `lease_until` (when that hold runs out unless the run renews it). A run
claims the job before it works on it, so that a repeated or late task, or a second worker,
never works on a job held by a live run, and a job whose worker died is resumed once its hold
runs out."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

QUEUED = "queued"
RUNNING = "running"


@dataclass(frozen=True)
class Claim:
    lease: uuid.UUID
    first_run: bool
    # A run that joined the runners of a job under their hold (it did not claim the job).
    joined: bool = False


def held_until(seconds: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def claim(job: QuerySet[Any], *, hold_seconds: int) -> Claim | None:
    """Claim the one job of `job` (filtered by its key) for this run: a queued job (its first
    run), or a running one whose hold ran out (this run resumes it). None when the job is
    finished or held by another run."""
    lease = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        first_run = (
            job.filter(status=QUEUED).update(
                status=RUNNING, lease=lease, lease_until=held_until(hold_seconds)
            )
            == 1
        )
        if not first_run:
            resumed = (
                job.filter(status=RUNNING)
                .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
                .update(lease=lease, lease_until=held_until(hold_seconds))
            )
            if resumed != 1:
                return None
    return Claim(lease=lease, first_run=first_run)
