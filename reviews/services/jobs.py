"""A quarter's background jobs (generating its reviews, rescoring them), run chunk by chunk
with their progress, safe to run twice or to resume after a crash: each chunk only touches what
is still to do, and a chunk and its progress commit together."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reviews.models import CycleJob, Review, ReviewCycle, VerbalWarning
from reviews.services.generation import employees_without_review, reviews_generate_chunk
from reviews.services.scores import reviews_score_batch
from reviews.services.warnings import enqueue_warning_notices

State = Review.State
Status = CycleJob.Status


def job_fail(*, job_id: int, error: str) -> None:
    """Mark a job failed (an error that retrying cannot mend), so its page stops waiting."""
    CycleJob.objects.filter(pk=job_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def job_run(*, job_id: int, chunk_size: int | None = None) -> CycleJob:
    """Run a cycle job chunk by chunk, recording progress."""
    chunk_size = chunk_size or settings.REVIEWS_CHUNK_SIZE
    job = CycleJob.objects.select_related("cycle").get(pk=job_id)
    if job.status == Status.DONE:
        return job
    first_run = _claim(job)
    remaining, step = _plan(job, chunk_size)
    CycleJob.objects.filter(pk=job.pk).update(total=F("done") + remaining)
    if not first_run and job.kind == CycleJob.Kind.RESCORE:
        # Resuming after a crash: notices the dead worker could not enqueue go out now.
        enqueue_warning_notices(
            list(
                VerbalWarning.objects.filter(review__cycle=job.cycle, notified_at__isnull=True)
                .values_list("review_id", flat=True)
                .distinct()
            )
        )
    while True:
        with transaction.atomic():
            made = step()
            if made:
                CycleJob.objects.filter(pk=job.pk).update(done=F("done") + made)
        if made == 0:
            break
    CycleJob.objects.filter(pk=job.pk).update(status=Status.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _claim(job: CycleJob) -> bool:
    """The first run claims the job (True); a redelivered one finds it running and resumes."""
    with transaction.atomic():
        first_run = (
            CycleJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(status=Status.RUNNING)
            == 1
        )
        if first_run and job.kind == CycleJob.Kind.RESCORE:
            # New revisions: a single-review task still queued for an old one does nothing.
            Review.objects.filter(cycle=job.cycle, state=State.SCORED).update(
                state=State.SUBMITTED, revision=F("revision") + 1, updated_at=timezone.now()
            )
    return first_run


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
