"""Claiming a background job for one run (hrperf/lib/leases.py), on a quarter's job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hrperf.lib import leases
from reviews.models import CycleJob

pytestmark = pytest.mark.django_db


def job_of(fresh_quarter) -> CycleJob:
    return CycleJob.objects.create(cycle=fresh_quarter, kind=CycleJob.Kind.RESCORE)


def claim(job: CycleJob) -> leases.Claim | None:
    return leases.claim(CycleJob.objects.filter(pk=job.pk), hold_seconds=60)


def test_a_queued_job_is_claimed_once(fresh_quarter) -> None:
    job = job_of(fresh_quarter)
    first = claim(job)
    assert first is not None and first.first_run
    job.refresh_from_db()
    assert (job.status, job.lease) == (CycleJob.Status.RUNNING, first.lease)
    assert job.lease_until is not None and job.lease_until > timezone.now()
    assert claim(job) is None  # held by the first run


def test_a_job_whose_hold_ran_out_is_resumed_by_a_new_run(fresh_quarter) -> None:
    job = job_of(fresh_quarter)
    first = claim(job)
    assert first is not None
    CycleJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    second = claim(job)
    assert second is not None and not second.first_run and second.lease != first.lease
    job.refresh_from_db()
    assert job.lease == second.lease


def test_a_finished_job_is_never_claimed(fresh_quarter) -> None:
    job = job_of(fresh_quarter)
    CycleJob.objects.filter(pk=job.pk).update(status=CycleJob.Status.DONE)
    assert claim(job) is None
