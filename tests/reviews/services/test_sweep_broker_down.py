"""Redis down, then back: no work is lost and none is done twice.

With Redis unreachable from the web process (the broker, the result store and the cache), a
review submitted over the API or on its page, a quarter's reviews generated, a review approved
(with its webhook) all answer as usual and are saved; nothing reaches the worker. Once Redis is
back, the sweep queues what waited and the real worker (tests/fixtures/worker.py) does each
thing exactly once; a repeated message changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clients import services as clients_services
from clients import tasks as clients_tasks
from clients.models import WebhookDelivery
from departments.models import Employee
from reviews import services, tasks
from reviews.models import AuditEvent, CycleJob, Review, ReviewCycle
from tests.helpers.api import API, PERIOD, complete_one_line, review_url
from tests.helpers.quarters import review_of
from tests.helpers.webhooks import Receiver, hook
from tests.helpers.worker import WorkerProcess, wait_for_job, wait_until, wait_until_scored

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reminded"),
]

TASK_SECONDS = 30


def later(minutes: int = 2) -> dt.datetime:
    """Past the sweep's grace period (and the webhook sweep's) of what was made just now."""
    return timezone.now() + dt.timedelta(seconds=settings.SWEEP_GRACE, minutes=minutes)


def scored_events(review: Review) -> int:
    return AuditEvent.objects.filter(review=review, action="scored").count()


def idle(worker: WorkerProcess) -> None:
    wait_until(worker.is_idle, what="the worker to be idle", worker=worker)


def assert_scored_once_by_the_sweep(review: Review, worker: WorkerProcess) -> None:
    idle(worker)
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED  # nothing reached the worker

    swept = services.due_work_sweep(now=later())
    assert (swept.scoring, swept.total) == (1, 1)
    wait_until_scored(review, worker)
    idle(worker)
    assert scored_events(review) == 1

    # Nothing is due any more; a repeated message of the same scoring does nothing.
    assert services.due_work_sweep(now=later(5)).total == 0
    again = tasks.score_review.delay(review.pk, review.revision)
    assert again.get(timeout=TASK_SECONDS) is False
    assert scored_events(review) == 1


def over_the_api(hr: User, review: Review) -> Any:
    client = APIClient()
    client.force_login(hr)
    return client.post(review_url(review, "submit"))


def on_its_page(hr: User, review: Review) -> Any:
    client = Client()
    client.force_login(hr)
    url = reverse("reviews:review", args=[review.pk])
    return client.post(url, {"action": "submit", "revision": review.revision})


@pytest.mark.parametrize(("submit", "status"), [(over_the_api, 200), (on_its_page, 302)])
def test_a_review_submitted_while_redis_is_down_is_scored_once(
    fresh_quarter: ReviewCycle,
    personas: dict[str, User],
    redis_down: Callable[[], Any],
    session_worker: WorkerProcess,
    submit: Callable[[User, Review], Any],
    status: int,
) -> None:
    review = complete_one_line(personas, review_of(personas))
    with redis_down():
        response = submit(personas["hr"], review)
    assert response.status_code == status, response.content
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED

    assert_scored_once_by_the_sweep(review, session_worker)


def test_reviews_generated_while_redis_is_down_are_made_once_after_the_sweep(
    fresh_quarter: ReviewCycle,
    personas: dict[str, User],
    api_client_for: Callable[[str], Any],
    redis_down: Callable[[], Any],
    session_worker: WorkerProcess,
) -> None:
    department = review_of(personas).department
    for number in (1, 2):
        Employee.objects.create(
            employee_no=f"N0000{number}", name=f"新人{number}", department=department
        )
    reviews = Review.objects.count()
    with redis_down():
        response = api_client_for("hr").post(f"{API}cycles/{PERIOD}/generate")
    assert response.status_code == 202, response.content
    job = CycleJob.objects.get(pk=response.json()["id"])
    idle(session_worker)
    job.refresh_from_db()
    assert job.status == CycleJob.Status.QUEUED

    assert services.due_work_sweep(now=later()).jobs == 1
    wait_for_job(job, session_worker)
    assert Review.objects.count() == reviews + 2

    # A repeated message of the finished job does nothing.
    assert tasks.generate_cycle.delay(job.pk).get(timeout=TASK_SECONDS) == 2
    assert Review.objects.count() == reviews + 2
    assert services.due_work_sweep(now=later(5)).jobs == 0


def test_a_review_approved_while_redis_is_down_has_its_webhook_delivered_once(
    fresh_quarter: ReviewCycle,
    personas: dict[str, User],
    api_client_for: Callable[[str], Any],
    redis_down: Callable[[], Any],
    receiver: Receiver,
    allow_private: None,
    session_worker: WorkerProcess,
) -> None:
    review = complete_one_line(personas, review_of(personas))
    review = services.review_submit(actor=personas["hr"], review=review)
    wait_until_scored(review, session_worker)  # Redis is up: the worker scores it at once
    client = clients_services.client_create(actor=None, name="payroll")
    hook(client, receiver.url)

    with redis_down():
        response = api_client_for("director").post(review_url(review, "approve"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved"
    delivery = WebhookDelivery.objects.get()
    idle(session_worker)
    delivery.refresh_from_db()
    assert (delivery.status, receiver.requests) == ("pending", [])

    assert services.due_work_sweep(now=later()).webhooks == 1

    def delivered() -> bool:
        delivery.refresh_from_db()
        return delivery.status == "delivered"

    wait_until(delivered, what="the webhook to be delivered", worker=session_worker)
    idle(session_worker)
    again = clients_tasks.deliver_webhook.apply_async((delivery.pk,), ignore_result=False)
    assert again.get(timeout=TASK_SECONDS) == "skipped"
    assert len(receiver.requests) == 1
    assert services.due_work_sweep(now=later(5)).total == 0
