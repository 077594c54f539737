"""The scoring benchmark's code path, small: a real worker generates and scores a quarter of 200
employees, and its figures equal the SQL floor's on every review. No timing is asserted."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count

from bench import quarter as steps
from bench.worker import BenchWorker
from hrperf.celery import app
from reviews.models import AuditEvent, CycleJob, Review, ReviewKpiLine, VerbalWarning
from tests.helpers.services import process_environment, skip_or_fail, uses_postgresql

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

QUEUE = "hrperf-bench-test"
EMPLOYEES = 200
CHUNK_SIZE = 64  # several chunks per job


@pytest.fixture
def bench_worker(tmp_path: Path) -> Iterator[BenchWorker]:
    if not uses_postgresql():
        skip_or_fail(
            "The benchmark needs PostgreSQL (its floor is PostgreSQL SQL, and a worker process "
            "cannot share SQLite's in-memory test database): set DATABASE_URL=postgres://…"
        )
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        skip_or_fail(f"The benchmark's worker needs Redis (REDIS_URL): {error}")
    worker = BenchWorker(
        queue=QUEUE,
        environment={
            **process_environment(),
            "DJANGO_SETTINGS_MODULE": "hrperf.test_settings",
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "0",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "REVIEWS_CHUNK_SIZE": str(CHUNK_SIZE),
        },
        log_path=tmp_path / "bench-worker.log",
    )
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def test_the_worker_scores_every_review_as_the_sql_floor_does(bench_worker: BenchWorker) -> None:
    quarter = steps.quarter_build(employees=EMPLOYEES)
    with steps.default_queue(QUEUE):
        generation = steps.reviews_generate(quarter, bench_worker)
        steps.reviews_fill(quarter, seed=7)
        steps.floor_compute(quarter, runs=1)
        scoring = steps.reviews_score(quarter, bench_worker)
    comparison = steps.floor_compare(quarter)
    grades = {grade: count for grade, count, _ in steps.grade_counts()}
    # The check does see a difference: one total off by a cent.
    tampered = Review.objects.filter(cycle=quarter.cycle).order_by("pk").last()
    assert tampered is not None and tampered.total_score is not None
    Review.objects.filter(pk=tampered.pk).update(total_score=tampered.total_score + Decimal("0.01"))
    after_tampering = steps.floor_compare(quarter)
    steps.floor_drop()

    assert quarter.employees >= EMPLOYEES
    assert (generation.done, scoring.done) == (quarter.employees, quarter.employees)
    assert comparison.mismatches == 0, comparison.first
    assert after_tampering.mismatches == 1
    assert after_tampering.first[0].review_id == tampered.pk
    scored = Review.objects.filter(cycle=quarter.cycle, state=Review.State.SCORED)
    assert scored.count() == quarter.employees
    # The synthetic quarter spans the grades, with totals below the warning threshold.
    assert grades.get("D", 0) > 0 and len(grades) >= 4, grades
    assert VerbalWarning.objects.filter(review__cycle=quarter.cycle).count() == grades["D"]
    lines = ReviewKpiLine.objects.filter(review__cycle=quarter.cycle)
    assert lines.filter(direction="lower", actual=0).exists()
    targets = list(lines.values_list("target", flat=True))
    assert any(t is not None and t != t.to_integral_value() for t in targets)
    assert scoring.peak_kb is None or scoring.peak_kb > 0


@pytest.fixture
def second_worker(bench_worker: BenchWorker, tmp_path: Path) -> Iterator[BenchWorker]:
    """A second worker process on the same queue: the rescore job's two runners (the default
    REVIEWS_JOB_PARALLELISM, 2) each get one."""
    worker = BenchWorker(
        queue=QUEUE,
        environment=bench_worker._environment,
        log_path=tmp_path / "bench-worker-2.log",
        index=1,
    )
    worker.start(purge=False)
    try:
        yield worker
    finally:
        worker.stop()


def test_two_workers_share_the_rescoring_and_agree_with_the_floor_twice(
    bench_worker: BenchWorker, second_worker: BenchWorker
) -> None:
    quarter = steps.quarter_build(employees=EMPLOYEES)
    with steps.default_queue(QUEUE):
        steps.reviews_generate(quarter, bench_worker)
        steps.reviews_fill(quarter, seed=11)
        steps.floor_compute(quarter, runs=1)
        first = steps.reviews_score(quarter, bench_worker, second_worker)
        first_check = steps.floor_compare(quarter)
        steps.reviews_resubmit(quarter)
        resubmitted = Review.objects.filter(cycle=quarter.cycle, state=Review.State.SUBMITTED)
        assert resubmitted.count() == quarter.employees
        assert not VerbalWarning.objects.filter(review__cycle=quarter.cycle).exists()
        second = steps.reviews_score(quarter, bench_worker, second_worker)
    second_check = steps.floor_compare(quarter)
    warned = sum(warnings for _, _, warnings in steps.grade_counts())
    steps.floor_drop()

    assert (first.workers, first.done, second.done) == (2, quarter.employees, quarter.employees)
    assert first_check.mismatches == 0, first_check.first
    assert second_check.mismatches == 0, second_check.first
    scored = AuditEvent.objects.filter(cycle=quarter.cycle, action="scored")
    assert scored.count() == 2 * quarter.employees  # one per review and run
    assert not scored.values("review").annotate(n=Count("id")).filter(n__gt=2).exists()
    job = CycleJob.objects.filter(cycle=quarter.cycle, kind=CycleJob.Kind.RESCORE).latest("pk")
    assert (job.status, job.done, job.total) == (
        CycleJob.Status.DONE,
        quarter.employees,
        quarter.employees,
    )
    assert VerbalWarning.objects.filter(review__cycle=quarter.cycle).count() == warned
