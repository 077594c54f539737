"""A quarter's background jobs (generating its reviews, rescoring them), run chunk by chunk
with their progress, safe to run twice or to resume after a crash: a run claims the job with a
conditional update and holds it (CYCLE_JOB_LEASE seconds, renewed with every chunk), so a
repeated task does nothing while it is held; each chunk only touches what is still to do, and a
chunk and its progress commit together.

A job is shared (PostgreSQL): the run that claims it queues REVIEWS_JOB_PARALLELISM − 1 more
runs under the same hold, and each runner takes the next free items itself (the employees
without a review, `reviews.services.generation.reviews_generate_chunk`; the submitted reviews,
`reviews_score_next`: both `FOR UPDATE SKIP LOCKED`), so that no two hold the same one. Each
chunk commits with its progress and the renewal of the hold, and only while the hold is still
the runners' (else it is rolled back); a runner that finds nothing free stops, and the last
one to commit, finding nothing left at all, marks the job done."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from hrperf.lib import leases
from hrperf.lib.collector import collector_paused
from hrperf.lib.leases import Claim
from hrperf.lib.tasks import publish
from reviews.models import CycleJob, Review, VerbalWarning
from reviews.services.generation import employees_without_review, reviews_generate_next
from reviews.services.quarters import JOB_TASKS
from reviews.services.scores import reviews_score_next
from reviews.services.warnings import enqueue_warning_notices

logger = logging.getLogger(__name__)

State = Review.State
Status = CycleJob.Status


def job_fail(*, job_id: int, error: str) -> None:
    """Mark a job failed (an error that retrying cannot mend), so its page stops waiting."""
    CycleJob.objects.filter(pk=job_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def job_run(
    *, job_id: int, chunk_size: int | None = None, lease: str | None = None, runners: int = 1
) -> CycleJob:
    """Run a cycle job chunk by chunk, recording progress. A run first claims the job (a queued
    one, or a running one whose hold ran out because its worker died); a run that cannot, such
    as a repeated task while another run holds the job, does nothing. A job is shared by
    `runners` runners: the claimer queues the others (the task passes
    REVIEWS_JOB_PARALLELISM). With `lease`, the run joins the runners of the job under that
    hold instead, if it is still the job's."""
    chunk_size = chunk_size or settings.REVIEWS_CHUNK_SIZE
    job = CycleJob.objects.select_related("cycle").get(pk=job_id)
    claim = _claim(job) if lease is None else _join(job, uuid.UUID(lease))
    if claim is None:
        job.refresh_from_db()
        return job
    try:
        if job.kind == CycleJob.Kind.RESCORE:
            _rescore(job, claim, chunk_size, runners)
        else:
            _generate(job, claim, chunk_size, runners)
    except Exception:
        _release(job.pk, claim.lease)
        raise
    job.refresh_from_db()
    return job


def _generate(job: CycleJob, claim: Claim, chunk_size: int, runners: int) -> None:
    """A generate job's runner: the one that claimed it sets the total and queues the other
    runners; then every runner makes chunks of reviews for the next free employees."""
    if not claim.joined:
        remaining = employees_without_review(job.cycle).count()
        CycleJob.objects.filter(pk=job.pk, lease=claim.lease).update(total=F("done") + remaining)
        if remaining > chunk_size:
            _fan_out(job, claim.lease, runners - 1)
    cycle_id = job.cycle_id
    position = 0

    def step() -> tuple[int, int]:
        # On from this runner's last chunk; once past the end, from the start again (for the
        # employees a runner that died had locked), before the runner concludes none is free.
        nonlocal position
        start = position
        made, position = reviews_generate_next(cycle_id=cycle_id, limit=chunk_size, after=start)
        if not made and start:
            made, position = reviews_generate_next(cycle_id=cycle_id, limit=chunk_size)
        return made, made

    _run_chunks(job, claim.lease, step)


def _join(job: CycleJob, lease: uuid.UUID) -> Claim | None:
    """Join the runners of a job, if `lease` still holds it."""
    if job.status != Status.RUNNING or job.lease != lease:
        return None
    return Claim(lease=lease, first_run=False, joined=True)


def _rescore(job: CycleJob, claim: Claim, chunk_size: int, runners: int) -> None:
    """A rescore job's runner: the one that claimed it sets the total, sends out the notices a
    dead run could not, and queues the other runners; then every runner scores chunks."""
    if not claim.joined:
        remaining = Review.objects.filter(cycle_id=job.cycle_id, state=State.SUBMITTED).count()
        CycleJob.objects.filter(pk=job.pk, lease=claim.lease).update(total=F("done") + remaining)
        if not claim.first_run:
            # Resuming after a crash: notices the dead worker could not enqueue go out now.
            enqueue_warning_notices(
                list(
                    VerbalWarning.objects.filter(
                        review__cycle_id=job.cycle_id, notified_at__isnull=True
                    )
                    .values_list("review_id", flat=True)
                    .distinct()
                )
            )
        if remaining > chunk_size:
            _fan_out(job, claim.lease, runners - 1)
    cycle_id = job.cycle_id

    def step() -> tuple[int, int]:
        outcome = reviews_score_next(cycle_id=cycle_id, limit=chunk_size)
        return outcome.picked, outcome.settled

    _run_chunks(job, claim.lease, step)


def _run_chunks(job: CycleJob, lease: uuid.UUID, step: Callable[[], tuple[int, int]]) -> None:
    """One runner's loop: chunk after chunk until none is free, then the job is marked done
    if nothing is left at all."""
    while True:
        picked = _shared_chunk(job, lease, step)
        if picked is None:  # another run took the job over: this one stops
            return
        if not picked:
            break
    _finish_if_settled(job, lease)


def _fan_out(job: CycleJob, lease: uuid.UUID, others: int) -> None:
    """Queue the job's other runners (PostgreSQL only: elsewhere one runner does it all; nor
    when tasks run in the caller's process, where they could only run one after the other)."""
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    for _ in range(others):
        if not publish(JOB_TASKS[job.kind], job.pk, str(lease)):
            break


class _Lost(Exception):
    """The hold is no longer the runner's: its chunk is rolled back."""


def _shared_chunk(
    job: CycleJob, lease: uuid.UUID, step: Callable[[], tuple[int, int]]
) -> int | None:
    """Do the next chunk (`step`: how many items it picked and how many it settled) and record
    it with the renewal of the hold, in one transaction; how many were picked (0: none free),
    or None if the hold was lost. The job's row is updated last, so that runners lock it only
    for their commit. Each chunk reads what it needs afresh (a quarter's policy may change
    while the job runs)."""
    try:
        with transaction.atomic():
            with collector_paused():
                picked, settled = step()
            if not picked:
                return 0
            recorded = CycleJob.objects.filter(
                pk=job.pk, lease=lease, status=Status.RUNNING
            ).update(done=F("done") + settled, lease_until=_held_until())
            if not recorded:
                raise _Lost
    except _Lost:
        return None
    return picked


def _finish_if_settled(job: CycleJob, lease: uuid.UUID) -> bool:
    """Mark the job done if nothing is left to do: the last runner to commit sees that (one
    whose peers still hold work leaves the job to them). Whether this runner marked it: when
    two see nothing left at once, the conditional update lets only one of them."""
    if _left(job).exists():
        return False
    marked = CycleJob.objects.filter(pk=job.pk, lease=lease, status=Status.RUNNING).update(
        status=Status.DONE, finished_at=timezone.now(), lease=None, lease_until=None
    )
    return marked == 1


def _left(job: CycleJob) -> QuerySet[Any]:
    if job.kind == CycleJob.Kind.RESCORE:
        return Review.objects.filter(cycle_id=job.cycle_id, state=State.SUBMITTED)
    return employees_without_review(job.cycle)


def _held_until() -> dt.datetime:
    return leases.held_until(settings.CYCLE_JOB_LEASE)


def _claim(job: CycleJob) -> Claim | None:
    """Claim the job for this run (`hrperf.lib.leases.claim`)."""
    return leases.claim(CycleJob.objects.filter(pk=job.pk), hold_seconds=settings.CYCLE_JOB_LEASE)


def _release(job_id: int, lease: uuid.UUID) -> None:
    """Let the job go after an error, so that the task's retry (or the sweep) resumes it at
    once rather than once the hold runs out."""
    try:
        CycleJob.objects.filter(pk=job_id, lease=lease, status=Status.RUNNING).update(
            lease_until=timezone.now()
        )
    except DatabaseError:
        logger.warning(
            "Could not release cycle job %s; it is resumed when its hold runs out", job_id
        )
