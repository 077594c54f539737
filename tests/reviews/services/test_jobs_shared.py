"""A rescore job shared by several runners (PostgreSQL): each takes the next free reviews with
`FOR UPDATE SKIP LOCKED`, so every review is scored exactly once, with one audit event and at
most one warning, the progress counts each review once and the job is marked done once; a
runner that dies mid-chunk leaves nothing of it, and the job is finished on resumption."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from departments.models import Department, Employee
from reviews import services, tasks
from reviews.models import AuditEvent, CycleJob, Review
from reviews.services import jobs
from tests.helpers.scoring_jobs import (
    NoticeRecorder,
    SubmittedQuarter,
    assert_scored_exactly_once,
    build_submitted_quarter,
    new_employees,
    unsent_warnings,
)
from tests.helpers.services import skip_or_fail, uses_postgresql

pytestmark = pytest.mark.django_db(transaction=True)

Status = CycleJob.Status
CHUNK = 10


@pytest.fixture
def postgresql() -> None:
    if not uses_postgresql():
        skip_or_fail(
            "Runners sharing a job need PostgreSQL (SKIP LOCKED, and a connection per runner): "
            "set DATABASE_URL=postgres://…"
        )


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> NoticeRecorder:
    """The warnings handed to HR's notice task, recorded instead of queued."""
    recorder = NoticeRecorder()
    monkeypatch.setattr(tasks.notify_warnings, "apply_async", recorder)
    return recorder


@pytest.fixture
def quarter(
    postgresql: None, personas: dict[str, User], departments: dict[str, Department]
) -> SubmittedQuarter:
    return build_submitted_quarter(hr=personas["hr"], departments=departments, per_department=60)


class Runners:
    """Stands for the queue: each runner the job's claimer queues runs at once in a thread of
    its own (with its own database connection); records the reviews each runner picked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []
        self.picked: Counter[str] = Counter()
        self.done_marks = 0
        self.lock = threading.Lock()
        score_next = jobs.reviews_score_next
        generate_next = jobs.reviews_generate_next
        finish = jobs._finish_if_settled

        def slow_score_next(**kwargs: Any) -> Any:
            outcome = score_next(**kwargs)
            self.picked[threading.current_thread().name] += outcome.picked
            time.sleep(0.02)  # hold the chunk a moment, so that the runners overlap
            return outcome

        def slow_generate_next(**kwargs: Any) -> tuple[int, int]:
            made, last = generate_next(**kwargs)
            self.picked[threading.current_thread().name] += made
            time.sleep(0.02)
            return made, last

        def counted_finish(job: CycleJob, lease: uuid.UUID) -> bool:
            # Counts the updates that marked the job done (the row's count, not a look at the
            # status before and after, which two runners finishing at once would both see).
            marked = finish(job, lease)
            if marked:
                with self.lock:
                    self.done_marks += 1
            return marked

        monkeypatch.setattr(jobs, "reviews_score_next", slow_score_next)
        monkeypatch.setattr(jobs, "reviews_generate_next", slow_generate_next)
        monkeypatch.setattr(jobs, "_finish_if_settled", counted_finish)
        monkeypatch.setattr(jobs, "publish", self.publish)

    def publish(self, name: str, job_id: int, lease: str) -> bool:
        assert name in ("reviews.rescore_cycle", "reviews.generate_cycle")
        thread = threading.Thread(
            target=self._run, args=(job_id, lease), name=f"runner-{len(self.threads) + 1}"
        )
        self.threads.append(thread)
        thread.start()
        return True

    def _run(self, job_id: int, lease: str) -> None:
        try:
            services.job_run(job_id=job_id, chunk_size=CHUNK, lease=lease)
        except BaseException as error:  # reported by join()
            self.errors.append(error)
        finally:
            connection.close()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=120)
        assert not self.errors, self.errors


@pytest.fixture
def runners(monkeypatch: pytest.MonkeyPatch) -> Runners:
    return Runners(monkeypatch)


def test_runners_sharing_a_job_score_every_review_exactly_once(
    quarter: SubmittedQuarter, runners: Runners, notices: NoticeRecorder
) -> None:
    job = CycleJob.objects.create(cycle=quarter.cycle, kind=CycleJob.Kind.RESCORE)

    services.job_run(job_id=job.pk, chunk_size=CHUNK, runners=3)
    runners.join()

    job.refresh_from_db()
    assert len(runners.threads) == 2
    assert len([name for name, picked in runners.picked.items() if picked]) >= 2, (
        "the runners should have shared the work"
    )
    assert sum(runners.picked.values()) == quarter.reviews
    assert (job.status, job.done, job.total) == (Status.DONE, quarter.reviews, quarter.reviews)
    assert (job.lease, job.lease_until) == (None, None)
    assert runners.done_marks == 1
    assert_scored_exactly_once(quarter)
    assert sorted(notices.warning_ids) == sorted(set(notices.warning_ids))
    assert unsent_warnings(quarter.cycle, notices) == []


class RunnerDied(Exception):
    """Stands for a runner killed mid-chunk: its transaction is rolled back."""


def test_a_runner_that_dies_mid_chunk_leaves_nothing_and_the_job_completes_on_resumption(
    quarter: SubmittedQuarter, monkeypatch: pytest.MonkeyPatch, notices: NoticeRecorder
) -> None:
    job = CycleJob.objects.create(cycle=quarter.cycle, kind=CycleJob.Kind.RESCORE)
    score_next = jobs.reviews_score_next
    chunks: list[list[int]] = []

    def dies_in_the_second_chunk(**kwargs: Any) -> Any:
        before = set(Review.objects.filter(cycle=quarter.cycle, state=Review.State.SCORED))
        outcome = score_next(**kwargs)
        chunks.append(
            [
                r.pk
                for r in Review.objects.filter(cycle=quarter.cycle, state=Review.State.SCORED)
                if r not in before
            ]
        )
        if len(chunks) == 2:
            raise RunnerDied  # the chunk is written, its progress not yet recorded
        return outcome

    monkeypatch.setattr(jobs, "reviews_score_next", dies_in_the_second_chunk)
    with pytest.raises(RunnerDied):
        services.job_run(job_id=job.pk, chunk_size=CHUNK)  # one runner

    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.done == CHUNK
    died_in = chunks[1]
    assert len(died_in) == CHUNK
    assert Review.objects.filter(pk__in=died_in, state=Review.State.SUBMITTED).count() == CHUNK
    assert not AuditEvent.objects.filter(review_id__in=died_in, action="scored").exists()

    monkeypatch.setattr(jobs, "reviews_score_next", score_next)
    job = services.job_run(job_id=job.pk, chunk_size=CHUNK)

    assert (job.status, job.done, job.total) == (Status.DONE, quarter.reviews, quarter.reviews)
    assert_scored_exactly_once(quarter)
    assert unsent_warnings(quarter.cycle, notices) == []


def test_a_runner_whose_hold_was_taken_over_writes_nothing(
    quarter: SubmittedQuarter, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = CycleJob.objects.create(cycle=quarter.cycle, kind=CycleJob.Kind.RESCORE)
    score_next = jobs.reviews_score_next
    taker = uuid.uuid4()

    def take_over() -> None:
        CycleJob.objects.filter(pk=job.pk).update(lease=taker)
        connection.close()

    def then_taken_over(**kwargs: Any) -> Any:
        outcome = score_next(**kwargs)
        # The job looked dead: another run (another connection) took it over meanwhile.
        other = threading.Thread(target=take_over)
        other.start()
        other.join()
        return outcome

    monkeypatch.setattr(jobs, "reviews_score_next", then_taken_over)
    job = services.job_run(job_id=job.pk, chunk_size=CHUNK)

    assert (job.status, job.done, job.lease) == (Status.RUNNING, 0, taker)
    assert not Review.objects.filter(cycle=quarter.cycle, state=Review.State.SCORED).exists()
    assert not AuditEvent.objects.filter(cycle=quarter.cycle, action="scored").exists()


def test_a_runner_joining_with_a_hold_no_longer_the_jobs_does_nothing(
    quarter: SubmittedQuarter,
) -> None:
    job = CycleJob.objects.create(
        cycle=quarter.cycle, kind=CycleJob.Kind.RESCORE, status=Status.RUNNING, lease=uuid.uuid4()
    )

    job = services.job_run(job_id=job.pk, chunk_size=CHUNK, lease=str(uuid.uuid4()))

    assert (job.status, job.done) == (Status.RUNNING, 0)
    assert not Review.objects.filter(cycle=quarter.cycle, state=Review.State.SCORED).exists()


def test_runners_sharing_a_generate_job_make_each_review_once(
    postgresql: None,
    personas: dict[str, User],
    departments: dict[str, Department],
    runners: Runners,
) -> None:
    cycle = services.cycle_open(actor=personas["hr"], period="2026Q3")
    services.reviews_generate_chunk(cycle_id=cycle.pk)
    new_employees(cycle, 120)
    expected = Employee.objects.filter(is_active=True).count()
    made_before = Review.objects.filter(cycle=cycle).count()
    job = CycleJob.objects.create(cycle=cycle, kind=CycleJob.Kind.GENERATE)

    services.job_run(job_id=job.pk, chunk_size=CHUNK, runners=3)
    runners.join()

    job.refresh_from_db()
    assert len(runners.threads) == 2
    assert len([name for name, picked in runners.picked.items() if picked]) >= 2, (
        "the runners should have shared the work"
    )
    made = expected - made_before
    assert sum(runners.picked.values()) == made
    assert (job.status, job.done, job.total) == (Status.DONE, made, made)
    assert runners.done_marks == 1
    per_employee = Counter(Review.objects.filter(cycle=cycle).values_list("employee_id", flat=True))
    assert len(per_employee) == expected and set(per_employee.values()) == {1}
    created = Counter(
        AuditEvent.objects.filter(cycle=cycle, action="created").values_list("review_id", flat=True)
    )
    assert len(created) == expected and set(created.values()) == {1}
