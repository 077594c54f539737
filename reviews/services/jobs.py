"""A quarter's background jobs (generating its reviews, rescoring them), run chunk by chunk
with their progress, safe to run twice or to resume after a crash: a run claims the job with a
conditional update and holds it (CYCLE_JOB_LEASE seconds, renewed with every chunk), so a
repeated task does nothing while it is held; each chunk only touches what is still to do, and a
chunk and its progress commit together."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from hrperf.lib import leases
from hrperf.lib.leases import Claim
from reviews.models import CycleJob, Review, ReviewCycle, VerbalWarning
from reviews.services.generation import employees_without_review, reviews_generate_chunk
from reviews.services.scores import reviews_score_batch
from reviews.services.warnings import enqueue_warning_notices

logger = logging.getLogger(__name__)

State = Review.State
Status = CycleJob.Status


def job_fail(*, job_id: int, error: str) -> None:
    """Mark a job failed (an error that retrying cannot mend), so its page stops waiting."""
    CycleJob.objects.filter(pk=job_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def job_run(*, job_id: int, chunk_size: int | None = None) -> CycleJob:
    """Run a cycle job chunk by chunk, recording progress. A run first claims the job (a queued
    one, or a running one whose hold ran out because its worker died); a run that cannot, such
    as a repeated task while another run holds the job, does nothing."""
    chunk_size = chunk_size or settings.REVIEWS_CHUNK_SIZE
    job = CycleJob.objects.select_related("cycle").get(pk=job_id)
    claim = _claim(job)
    if claim is None:
        job.refresh_from_db()
        return job
    try:
        _run_claimed(job, claim, chunk_size)
    except Exception:
        _release(job.pk, claim.lease)
        raise
    job.refresh_from_db()
    return job


def _run_claimed(job: CycleJob, claim: Claim, chunk_size: int) -> None:
    remaining, step = _plan(job, chunk_size)
    CycleJob.objects.filter(pk=job.pk, lease=claim.lease).update(total=F("done") + remaining)
    if not claim.first_run and job.kind == CycleJob.Kind.RESCORE:
        # Resuming after a crash: notices the dead worker could not enqueue go out now.
        enqueue_warning_notices(
            list(
                VerbalWarning.objects.filter(review__cycle=job.cycle, notified_at__isnull=True)
                .values_list("review_id", flat=True)
                .distinct()
            )
        )
    while True:
        made = _chunk(job.pk, claim.lease, step)
        if not made:  # nothing left, or another run took the job over
            break
    CycleJob.objects.filter(pk=job.pk, lease=claim.lease).update(
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


def _plan(job: CycleJob, chunk_size: int) -> tuple[int, Callable[[], int]]:
    """How much is left to do, and the step that does the next chunk of it."""
    cycle: ReviewCycle = job.cycle
    if job.kind == CycleJob.Kind.GENERATE:
        return (
            employees_without_review(cycle).count(),
            lambda: reviews_generate_chunk(cycle_id=cycle.pk, limit=chunk_size),
        )
    return (
        Review.objects.filter(cycle=cycle, state=State.SUBMITTED).count(),
        lambda: _rescore_chunk(cycle.pk, chunk_size),
    )


def _rescore_chunk(cycle_id: int, limit: int) -> int:
    ids = list(
        Review.objects.filter(cycle_id=cycle_id, state=State.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    scored = reviews_score_batch(review_ids=ids)
    # A submitted review that could not be scored went back to draft; either way it left the
    # queue, so the loop always moves on.
    return max(scored, len(ids) - Review.objects.filter(pk__in=ids, state=State.SUBMITTED).count())
