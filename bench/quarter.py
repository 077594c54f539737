"""The benchmark's steps on the current Django database (PostgreSQL): build a quarter, have the
worker generate and score it through the real services, compute the floor, compare.

`bench.cli` runs them on a database of its own; tests/bench/test_quarter.py runs them, small, on the
test database.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection

from bench import sql
from bench.cli import load_average
from bench.worker import BenchWorker, WorkerError
from departments.models import Department, Employee
from hrperf.celery import app
from hrperf.lib import roles
from reviews import services
from reviews.models import CycleJob, ReviewCycle

PERIOD = "2026Q3"
HR_USERNAME = "bench-hr"
JOB_TIMEOUT_SECONDS = 3600.0
MEMORY_INTERVAL = 0.02  # seconds between two readings of the worker's memory
POLL_INTERVAL = 0.1  # seconds between two readings of the job's row
PROGRESS_INTERVAL = 10.0  # seconds between two progress lines
FLOOR_RUNS = 3


@dataclass
class JobRun:
    """A cycle job as the worker ran it: enqueue to done, and the worker's memory meanwhile."""

    seconds: float
    done: int
    peak_kb: int | None  # the highest of VmHWM (reset before the job) and every VmRSS read
    start_kb: int | None  # VmRSS when the job was enqueued
    peak_reset: bool  # False: VmHWM could not be reset, the peak may come from before
    workers: int = 1  # worker processes consuming the job
    load: tuple[str, str] = ("n/a", "n/a")  # load averages at enqueue and at done


@dataclass
class Mismatch:
    review_id: int
    state: str | None
    worker: dict[str, Any]
    floor: dict[str, Any]


@dataclass
class Comparison:
    mismatches: int
    first: list[Mismatch] = field(default_factory=list)


@dataclass
class Quarter:
    cycle: ReviewCycle
    hr: User
    employees: int


def log(message: str) -> None:
    """Progress, on stderr (the report goes to stdout)."""
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


@contextmanager
def default_queue(queue: str) -> Iterator[None]:
    """Send the services' tasks to `queue` (the benchmark worker's own) meanwhile."""
    before = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield
    finally:
        app.conf.task_default_queue = before


def quarter_build(*, employees: int) -> Quarter:
    """The catalogue's 30 departments, `employees` active employees spread evenly over them,
    an HR user, and the quarter opened with the default policy."""
    if not Department.objects.exists():
        call_command("load_catalogue", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO departments_employee
                (employee_no, name, department_id, position, is_department_head, is_active,
                 created_at, updated_at)
            SELECT 'B' || lpad(g::text, 7, '0'), 'Employee ' || g,
                   d.ids[1 + (g - 1) %% cardinality(d.ids)], '', false, true, now(), now()
            FROM generate_series(1, %(employees)s) AS g,
                 (SELECT array_agg(id ORDER BY seq) AS ids FROM departments_department) AS d
            """,
            {"employees": employees},
        )
    hr = User.objects.create_user(username=HR_USERNAME)
    hr.groups.add(Group.objects.get_or_create(name=roles.HR)[0])
    cycle = services.cycle_open(actor=hr, period=PERIOD)
    return Quarter(cycle=cycle, hr=hr, employees=Employee.objects.count())


def _memory_peak(workers: Sequence[BenchWorker], peak: int | None) -> int | None:
    """The highest VmRSS or VmHWM of any one of the workers (memory is per process)."""
    for worker in workers:
        memory = worker.memory()
        if memory is not None:
            peak = max(peak or 0, memory.rss_kb, memory.peak_kb)
    return peak


def job_wait(
    *,
    job_id: int,
    workers: Sequence[BenchWorker],
    started: float,
    timeout: float = JOB_TIMEOUT_SECONDS,
) -> tuple[float, int, int | None]:
    """Wait for the workers to finish the job, reading their memory meanwhile. `started` is the
    perf_counter taken just before the job was enqueued. Returns the seconds from then to done,
    the job's count and the highest VmHWM or VmRSS read of any one worker."""
    peak: int | None = None
    next_poll = time.perf_counter()
    next_progress = started + PROGRESS_INTERVAL
    while True:
        now = time.perf_counter()
        peak = _memory_peak(workers, peak)
        if now >= next_poll:
            status, done, total, error = CycleJob.objects.values_list(
                "status", "done", "total", "error"
            ).get(pk=job_id)
            if status == CycleJob.Status.DONE:
                seconds = time.perf_counter() - started
                return seconds, done, _memory_peak(workers, peak)
            if status == CycleJob.Status.FAILED:
                raise WorkerError(f"The job failed: {error}\n{_tails(workers)}")
            for worker in workers:
                worker.check_alive()
            if now - started > timeout:
                raise WorkerError(f"The job is not done after {timeout:.0f} s.\n{_tails(workers)}")
            if now >= next_progress:
                log(f"  {done}/{total} after {now - started:.1f} s")
                next_progress = now + PROGRESS_INTERVAL
            next_poll = now + POLL_INTERVAL
        time.sleep(MEMORY_INTERVAL)


def _tails(workers: Sequence[BenchWorker]) -> str:
    return "\n".join(worker.tail() for worker in workers)


def _timed_job(enqueue: Callable[[], CycleJob], workers: Sequence[BenchWorker]) -> JobRun:
    """Enqueue a job through `enqueue` (a service) and time it from just before to done; the
    workers' memory peaks are reset first, so the peak is this job's."""
    for worker in workers:
        worker.check_alive()
    resets = [worker.reset_peak() for worker in workers]  # every one, not up to a refusal
    before = [memory.rss_kb for worker in workers if (memory := worker.memory()) is not None]
    load_before = load_average()
    started = time.perf_counter()
    job = enqueue()
    seconds, done, peak = job_wait(job_id=job.pk, workers=workers, started=started)
    return JobRun(
        seconds=seconds,
        done=done,
        peak_kb=peak,
        start_kb=max(before) if before else None,
        peak_reset=all(resets),
        workers=len(workers),
        load=(load_before, load_average()),
    )


def reviews_generate(quarter: Quarter, *workers: BenchWorker) -> JobRun:
    """The workers generate the quarter's reviews (services.cycle_generate: a generate job,
    shared by them)."""
    return _timed_job(
        lambda: services.cycle_generate(actor=quarter.hr, cycle=quarter.cycle), workers
    )


def reviews_fill(quarter: Quarter, *, seed: int) -> float:
    """Targets, actuals and all eight ratings of every review by SQL, every review submitted,
    then VACUUM ANALYZE (as autovacuum would). Returns the seconds it took."""
    started = time.perf_counter()
    params = {"cycle": quarter.cycle.pk, "seed": seed}
    with connection.cursor() as cursor:
        cursor.execute(sql.RANDOM_FUNCTION)
        cursor.execute(sql.FIT_FUNCTION)
        cursor.execute(sql.FILL_LINES, params)
        cursor.execute(sql.FILL_RATINGS, params)
        cursor.execute(sql.FILL_SUBMIT, params)
        if connection.get_autocommit():
            for table in (
                "reviews_review",
                "reviews_reviewkpiline",
                "reviews_competencyrating",
                "reviews_auditevent",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def floor_compute(quarter: Quarter, *, runs: int = FLOOR_RUNS) -> float:
    """Run the floor statement `runs` times; its table stays for the comparison. Returns the
    best time (the floor is the bar to measure the worker against: take it at its lowest)."""
    best = float("inf")
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute(sql.DROP_FLOOR)
            started = time.perf_counter()
            cursor.execute(sql.FLOOR, {"cycle": quarter.cycle.pk})
            best = min(best, time.perf_counter() - started)
    return best


def reviews_score(quarter: Quarter, *workers: BenchWorker) -> JobRun:
    """The workers score every submitted review (services.cycle_rescore: a rescore job)."""
    return _timed_job(
        lambda: services.cycle_rescore(actor=quarter.hr, cycle=quarter.cycle), workers
    )


def reviews_resubmit(quarter: Quarter) -> None:
    """Put every review of the quarter back as submitted, unscored and without its verbal
    warnings, as the fill left it (untimed: between two scoring runs), then VACUUM ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(sql.RESUBMIT_WARNINGS, {"cycle": quarter.cycle.pk})
        cursor.execute(sql.RESUBMIT, {"cycle": quarter.cycle.pk})
        if connection.get_autocommit():
            for table in ("reviews_review", "reviews_verbalwarning", "reviews_auditevent"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def floor_compare(quarter: Quarter, *, show: int = 5) -> Comparison:
    with connection.cursor() as cursor:
        cursor.execute(sql.MISMATCHES, {"cycle": quarter.cycle.pk, "limit": show})
        rows = cursor.fetchall()
    if not rows:
        return Comparison(mismatches=0)
    first = []
    for row in rows:
        review_id, state, _count, *pairs = row
        first.append(
            Mismatch(
                review_id=review_id,
                state=state,
                worker=dict(zip(sql.FIELDS, pairs[0::2], strict=True)),
                floor=dict(zip(sql.FIELDS, pairs[1::2], strict=True)),
            )
        )
    return Comparison(mismatches=int(rows[0][2]), first=first)


def grade_counts() -> list[tuple[str, int, int]]:
    """(grade, reviews, verbal warnings) of the floor, best grade first."""
    with connection.cursor() as cursor:
        cursor.execute(sql.GRADES)
        return [(grade, int(count), int(warned)) for grade, count, warned in cursor.fetchall()]


def floor_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.DROP_FLOOR)


def as_text(value: object) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else str(value)
