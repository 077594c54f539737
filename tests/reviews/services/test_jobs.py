"""A quarter's background jobs (reviews.services.jobs): a run claims its job with a conditional
update and holds it while it works, so a repeated task does nothing; a job whose worker died is
taken over once its hold runs out; a run that lost its job writes nothing more."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from reviews import services
from reviews.models import CycleJob, Review
from reviews.services import jobs
from tests.helpers.scoring_jobs import new_employees

pytestmark = pytest.mark.django_db

Status = CycleJob.Status


def held(job: CycleJob, until: dt.datetime) -> uuid.UUID:
    """The job as another run holds it: running, held until `until`."""
    lease = uuid.uuid4()
    CycleJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, lease=lease, lease_until=until)
    return lease


def test_a_run_claims_the_job_and_lets_it_go_when_done(fresh_quarter: Any, personas: Any) -> None:
    new_employees(fresh_quarter, 3)
    job = services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    job = services.job_run(job_id=job.pk, chunk_size=2)
    assert (job.status, job.done, job.total) == (Status.DONE, 3, 3)
    assert (job.lease, job.lease_until) == (None, None)


def test_a_repeated_task_while_another_run_holds_the_job_does_nothing(
    fresh_quarter: Any, personas: Any
) -> None:
    new_employees(fresh_quarter, 3)
    job = services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    reviews = Review.objects.count()
    lease = held(job, timezone.now() + dt.timedelta(minutes=5))

    job = services.job_run(job_id=job.pk)

    assert (job.status, job.lease, job.done) == (Status.RUNNING, lease, 0)
    assert Review.objects.count() == reviews


@pytest.mark.parametrize("status", [Status.DONE, Status.FAILED])
def test_a_repeated_task_of_a_finished_job_does_nothing(
    fresh_quarter: Any, personas: Any, status: str
) -> None:
    new_employees(fresh_quarter, 2)
    job = services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    CycleJob.objects.filter(pk=job.pk).update(status=status)
    reviews = Review.objects.count()
    assert services.job_run(job_id=job.pk).status == status
    assert Review.objects.count() == reviews


def test_a_job_whose_worker_died_is_resumed_once_its_hold_runs_out(
    fresh_quarter: Any, personas: Any
) -> None:
    new_employees(fresh_quarter, 3)
    job = services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    dead = held(job, timezone.now() - dt.timedelta(seconds=1))

    job = services.job_run(job_id=job.pk)

    assert job.status == Status.DONE and job.lease != dead
    assert job.done == job.total == 3


def test_a_run_that_lost_its_job_stops_without_writing(
    fresh_quarter: Any, personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_employees(fresh_quarter, 3)
    job = services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    shared_chunk = jobs._shared_chunk
    taker = uuid.uuid4()

    def then_taken_over(*args: Any) -> int | None:
        picked = shared_chunk(*args)
        # Another run takes the job over (this one looked dead) after the first chunk.
        CycleJob.objects.filter(pk=job.pk).update(lease=taker)
        return picked

    monkeypatch.setattr(jobs, "_shared_chunk", then_taken_over)
    before = Review.objects.count()

    job = services.job_run(job_id=job.pk, chunk_size=1)

    # The first chunk only: the second, made after the takeover, was rolled back.
    assert Review.objects.count() == before + 1
    assert (job.status, job.done, job.lease) == (Status.RUNNING, 1, taker)


def test_a_run_stopped_by_an_error_lets_the_job_go_for_its_retry(
    fresh_quarter: Any, personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_employees(fresh_quarter, 2)
    job = services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)

    def broken(**kwargs: Any) -> tuple[int, int]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(jobs, "reviews_generate_next", broken)
    with pytest.raises(RuntimeError):
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.RUNNING
    assert job.lease_until is not None and job.lease_until <= timezone.now()

    monkeypatch.undo()
    job = services.job_run(job_id=job.pk)
    assert (job.status, job.done) == (Status.DONE, 2)


def test_of_two_runners_that_find_nothing_left_only_one_marks_the_job_done(
    fresh_quarter: Any, personas: Any
) -> None:
    new_employees(fresh_quarter, 2)
    job = services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    services.job_run(job_id=job.pk)  # every review made: nothing is left
    lease = held(job, timezone.now() + dt.timedelta(minutes=5))

    assert jobs._finish_if_settled(job, lease) is True
    assert jobs._finish_if_settled(job, lease) is False
    job.refresh_from_db()
    assert (job.status, job.lease) == (Status.DONE, None)
