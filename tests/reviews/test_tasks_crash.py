"""A cycle rescore survives its worker being killed part-way: once the dead worker's hold on the
job runs out, the task that comes back (acknowledged late) or the sweep hands it to a new
worker, which finishes the job; nothing is scored twice, no warning is made twice.

The crash test starts its own workers on a queue of their own (the session worker never sees
its tasks), kills the first with SIGKILL once some chunks are done, and starts another.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from departments.models import Department
from hrperf.celery import app
from reviews import services, tasks
from reviews.models import (
    AuditEvent,
    CompetencyRating,
    CycleJob,
    Review,
    ReviewKpiLine,
    VerbalWarning,
)
from tests.helpers.scoring_jobs import (
    NoticeRecorder,
    WorkerDied,
    assert_scored_exactly_once,
    build_submitted_quarter,
    unsent_warnings,
)
from tests.helpers.worker import WorkerPool, purge_queue, wait_for_job

CRASH_QUEUE = "hrperf-test-crash"
REVIEWS_PER_DEPARTMENT = 1500
CHUNK_SIZE = 200
# The killed worker's task is handed out again once this many seconds have passed since it
# was delivered; short, so the test does not wait long.
CRASH_VISIBILITY_TIMEOUT = 3
# A worker's hold on the job, renewed with every chunk: short, so the job is taken over soon.
CRASH_JOB_LEASE = 2
JOB_SECONDS = 90.0


# -- the crash, with real workers -------------------------------------------------------------


@pytest.fixture
def crash_workers(worker_environment: dict[str, str]) -> Iterator[WorkerPool]:
    """Workers of this test only, on their own queue, scoring in small chunks; the tasks this
    test sends go to that queue too."""
    purge_queue(CRASH_QUEUE)
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = CRASH_QUEUE
    pool = WorkerPool(
        environment={
            **worker_environment,
            "CELERY_VISIBILITY_TIMEOUT": str(CRASH_VISIBILITY_TIMEOUT),
            "REVIEWS_CHUNK_SIZE": str(CHUNK_SIZE),
            "CYCLE_JOB_LEASE": str(CRASH_JOB_LEASE),
        },
        queue=CRASH_QUEUE,
        label="crash",
    )
    try:
        yield pool
    finally:
        app.conf.task_default_queue = default_queue
        pool.stop_all()
        purge_queue(CRASH_QUEUE)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_rescore_job_finishes_after_its_worker_is_killed_part_way(
    personas: dict[str, User], departments: dict[str, Department], crash_workers: WorkerPool
) -> None:
    quarter = build_submitted_quarter(
        hr=personas["hr"], departments=departments, per_department=REVIEWS_PER_DEPARTMENT
    )
    first = crash_workers.start()

    job = services.cycle_rescore(actor=personas["hr"], cycle=quarter.cycle)
    deadline = time.monotonic() + JOB_SECONDS
    while True:
        job.refresh_from_db()
        if 0 < job.done < job.total:
            break
        assert job.status != CycleJob.Status.DONE, (
            "The job finished before the worker could be killed: lower CHUNK_SIZE."
        )
        if time.monotonic() > deadline or not first.is_alive():
            pytest.fail(f"The job never got going:\n{first.tail()}", pytrace=False)
        time.sleep(0.02)
    first.kill()
    killed_at = time.monotonic()

    job.refresh_from_db()
    assert job.status == CycleJob.Status.RUNNING
    assert 0 < job.done < quarter.reviews
    assert Review.objects.filter(cycle=quarter.cycle, state=Review.State.SUBMITTED).exists()

    # The broker hands the unacknowledged task out again once the visibility timeout has passed
    # since it was delivered; a worker looks for such tasks as it starts.
    time.sleep(max(0.0, killed_at + CRASH_VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    second = crash_workers.start()
    # If that task came while the dead worker still held the job, it did nothing; the sweep
    # queues the job again once the hold has run out.
    job.refresh_from_db()
    if job.lease_until is not None:
        time.sleep(max(0.0, (job.lease_until - timezone.now()).total_seconds() + 0.5))
    services.due_work_sweep()
    wait_for_job(job, second, timeout=JOB_SECONDS)

    assert job.done == job.total
    assert_scored_exactly_once(quarter)


# -- the crash window, simulated in-process ---------------------------------------------------


def put_far_below_threshold(review_id: int) -> None:
    """Achievement 30 % on every line and every rating 1: a total near 29."""
    lines = ReviewKpiLine.objects.filter(review_id=review_id)
    lines.filter(direction="higher").update(actual=F("target") * Decimal("0.3"))
    lines.filter(direction="lower").update(actual=F("target") * 3)
    CompetencyRating.objects.filter(review_id=review_id).update(value=1)


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> NoticeRecorder:
    recorder = NoticeRecorder()
    monkeypatch.setattr(tasks.notify_warnings, "apply_async", recorder)
    return recorder


@pytest.mark.django_db(transaction=True)
def test_a_rescore_job_whose_worker_died_after_a_chunk_committed_loses_no_progress_or_notice(
    personas: dict[str, User], departments: dict[str, Department], notices: NoticeRecorder
) -> None:
    """The first chunk's scores are committed; the worker dies before it records the chunk's
    progress or enqueues its warning notices. The task comes back: the job must still count
    every review, and every warning must still reach HR."""
    quarter = build_submitted_quarter(hr=personas["hr"], departments=departments, per_department=15)
    job = CycleJob.objects.create(cycle=quarter.cycle, kind=CycleJob.Kind.RESCORE)
    first_chunk = list(
        Review.objects.filter(cycle=quarter.cycle).order_by("pk").values_list("pk", flat=True)[:5]
    )
    put_far_below_threshold(first_chunk[0])

    notices.alive = False
    with pytest.raises(WorkerDied):
        services.job_run(job_id=job.pk, chunk_size=5)
    assert Review.objects.filter(pk__in=first_chunk, state=Review.State.SCORED).count() == 5
    assert VerbalWarning.objects.filter(review_id=first_chunk[0]).exists()

    notices.alive = True
    job = services.job_run(job_id=job.pk, chunk_size=5)

    assert job.status == CycleJob.Status.DONE
    assert_scored_exactly_once(quarter)
    assert {
        "done": job.done,
        "total": job.total,
        "warnings never sent to HR": unsent_warnings(quarter.cycle, notices),
    } == {"done": quarter.reviews, "total": quarter.reviews, "warnings never sent to HR": []}


@pytest.mark.django_db(transaction=True)
def test_a_scoring_task_whose_worker_died_after_the_commit_still_gets_the_notice_out(
    personas: dict[str, User], departments: dict[str, Department], notices: NoticeRecorder
) -> None:
    """The score and the warning are committed, the worker dies before it enqueues the notice;
    the redelivered task scores nothing again, but the notice must still go out."""
    quarter = build_submitted_quarter(hr=personas["hr"], departments=departments, per_department=1)
    review = Review.objects.filter(cycle=quarter.cycle).order_by("pk").first()
    assert review is not None
    put_far_below_threshold(review.pk)

    notices.alive = False
    with pytest.raises(WorkerDied):
        services.review_score(review_id=review.pk, revision=review.revision)
    assert VerbalWarning.objects.filter(review=review).count() == 1

    notices.alive = True
    assert services.review_score(review_id=review.pk, revision=review.revision) is False

    assert VerbalWarning.objects.filter(review=review).count() == 1
    assert AuditEvent.objects.filter(review=review, action="scored").count() == 1
    assert unsent_warnings(quarter.cycle, notices) == []
