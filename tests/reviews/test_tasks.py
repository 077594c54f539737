"""The review tasks (reviews.tasks), run in this process: the sweep the beat runs, and a
repeated message of a job that another run holds, which does nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from departments.models import Employee
from reviews import services, tasks
from reviews.models import CycleJob, Review
from tests.helpers.broker import Published
from tests.helpers.quarters import complete, review_of

pytestmark = pytest.mark.django_db


@override_settings(SWEEP_GRACE=0)
def test_the_sweep_task_queues_what_is_due(
    fresh_quarter: Any, personas: Any, published: list[Published], reminded: None
) -> None:
    review = complete(personas, review_of(personas), "60", 3, 3)
    review = services.review_submit(actor=personas["hr"], review=review)

    assert tasks.sweep_due_work.apply().get() == 1
    assert [(call.name, call.args) for call in published] == [
        ("reviews.score_review", (review.pk, review.revision))
    ]


def test_a_repeated_generate_message_while_another_run_holds_the_job_does_nothing(
    fresh_quarter: Any, personas: Any
) -> None:
    Employee.objects.create(
        employee_no="N00001", name="新人", department=review_of(personas).department
    )
    job = services.cycle_generate(actor=personas["hr"], cycle=fresh_quarter)
    CycleJob.objects.filter(pk=job.pk).update(
        status=CycleJob.Status.RUNNING,
        lease=uuid.uuid4(),
        lease_until=timezone.now() + dt.timedelta(minutes=5),
    )
    reviews = Review.objects.count()

    assert tasks.generate_cycle.apply(args=(job.pk,)).get() == 0

    job.refresh_from_db()
    assert (job.status, job.error) == (CycleJob.Status.RUNNING, "")
    assert Review.objects.count() == reviews


def test_a_repeated_scoring_message_does_nothing(fresh_quarter: Any, personas: Any) -> None:
    review = complete(personas, review_of(personas), "60", 3, 3)
    review = services.review_submit(actor=personas["hr"], review=review)
    assert tasks.score_review.apply(args=(review.pk, review.revision)).get() is True
    assert tasks.score_review.apply(args=(review.pk, review.revision)).get() is False
    assert review.events.filter(action="scored").count() == 1
