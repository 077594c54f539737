"""A quarter's background jobs (generating its reviews, rescoring them), run chunk by chunk
with their progress, safe to run twice or to resume after a crash: a run claims the job with a
conditional update and holds it (CYCLE_JOB_LEASE seconds, renewed with every chunk), so a
repeated task does nothing while it is held; each chunk only touches what is still to do, and a
chunk and its progress commit together.

A rescore job is shared (PostgreSQL): the run that claims it queues REVIEWS_JOB_PARALLELISM − 1
more runs under the same hold, and each runner takes the next free reviews itself
(`reviews_score_next`: `FOR UPDATE SKIP LOCKED`), so that no two hold the same review. Each
chunk commits with its progress and the renewal of the hold, and only while the hold is still
the runners' (else it is rolled back); a runner that finds no free review stops, and the last
one to commit, finding none left at all, marks the job done."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from hrperf.lib import leases
from hrperf.lib.leases import Claim
from hrperf.lib.tasks import publish
from reviews.models import CycleJob, Review, VerbalWarning
from reviews.services.generation import employees_without_review, reviews_generate_chunk
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
    as a repeated task while another run holds the job, does nothing. A rescore job is shared
    by `runners` runners: the claimer queues the others (the task passes
    REVIEWS_JOB_PARALLELISM). With `lease`, the run joins the runners of a rescore job under
    that hold instead, if it is still the job's."""
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
            _run_claimed(job, claim, chunk_size)
    except Exception:
        _release(job.pk, claim.lease)
        raise
    job.refresh_from_db()
    return job


def _run_claimed(job: CycleJob, claim: Claim, chunk_size: int) -> None:
    """A generate job: one runner, chunk after chunk while it holds the job."""
    remaining = employees_without_review(job.cycle).count()
    CycleJob.objects.filter(pk=job.pk, lease=claim.lease).update(total=F("done") + remaining)
    cycle_id = job.cycle_id

    def step() -> int:
        return reviews_generate_chunk(cycle_id=cycle_id, limit=chunk_size)

    while True:
        made = _chunk(job.pk, claim.lease, step)
        if not made:  # nothing left, or another run took the job over
            break
    CycleJob.objects.filter(pk=job.pk, lease=claim.lease).update(
        status=Status.DONE, finished_at=timezone.now(), lease=None, lease_until=None
    )


def _join(job: CycleJob, lease: uuid.UUID) -> Claim | None:
    """Join the runners of a rescore job, if `lease` still holds it."""
    if job.kind != CycleJob.Kind.RESCORE or job.status != Status.RUNNING or job.lease != lease:
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
    while True:
        picked = _rescore_chunk(job, claim.lease, chunk_size)
        if picked is None:  # another run took the job over: this one stops
            return
        if not picked:
            break
    _finish_if_settled(job, claim.lease)


def _fan_out(job: CycleJob, lease: uuid.UUID, others: int) -> None:
    """Queue the job's other runners (PostgreSQL only: elsewhere one runner does it all; nor
    when tasks run in the caller's process, where they could only run one after the other)."""
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    for _ in range(others):
        if not publish("reviews.rescore_cycle", job.pk, str(lease)):
            break


class _Lost(Exception):
    """The hold is no longer the runner's: its chunk is rolled back."""


def _rescore_chunk(job: CycleJob, lease: uuid.UUID, limit: int) -> int | None:
    """Score the next free reviews and record them with the renewal of the hold, in one
    transaction; how many were picked (0: none free), or None if the hold was lost. The policy
    in force is read again by every chunk (a quarter's policy may change while it runs)."""
    try:
        with transaction.atomic():
            outcome = reviews_score_next(cycle_id=job.cycle_id, limit=limit)
            if not outcome.picked:
                return 0
            recorded = CycleJob.objects.filter(
                pk=job.pk, lease=lease, status=Status.RUNNING
            ).update(done=F("done") + outcome.settled, lease_until=_held_until())
            if not recorded:
                raise _Lost
    except _Lost:
        return None
    return outcome.picked


def _finish_if_settled(job: CycleJob, lease: uuid.UUID) -> None:
    """Mark the job done if no review is left to score: the last runner to commit sees that
    (one whose peers still hold reviews leaves the job to them)."""
    if Review.objects.filter(cycle_id=job.cycle_id, state=State.SUBMITTED).exists():
        return
    CycleJob.objects.filter(pk=job.pk, lease=lease, status=Status.RUNNING).update(
        status=Status.DONE, finished_at=timezone.now(), lease=None, lease_until=None
    )


def _held_until() -> dt.datetime:
    return leases.held_until(settings.CYCLE_JOB_LEASE)


def _claim(job: CycleJob) -> Claim | None:
    """Claim the job for this run (`hrperf.lib.leases.claim`)."""
    return leases.claim(CycleJob.objects.filter(pk=job.pk), hold_seconds=settings.CYCLE_JOB_LEASE)


def _chunk(job_id: int, lease: uuid.UUID, step: Callable[[], int]) -> int:
    """Do the next chunk and record it, if this run still holds the job (renewing the hold,
    which also locks the job's row until the chunk commits); 0 when it no longer does."""
    with transaction.atomic():
        held = CycleJob.objects.filter(pk=job_id, lease=lease).update(lease_until=_held_until())
        if not held:
            return 0
        made = step()
        if made:
            CycleJob.objects.filter(pk=job_id).update(done=F("done") + made)
    return made


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
