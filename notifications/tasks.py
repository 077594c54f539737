"""Thin tasks: ids in, a service called. Each is safe to run twice: a delivery is leased before
it is sent, a daily job records its day before it runs."""

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from notifications.services import daily, deliver

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="notifications.deliver",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=8,
    soft_time_limit=600,
    time_limit=660,
)
def deliver_notifications(delivery_ids: list[int]) -> dict[str, int]:
    return deliver.deliveries_send(delivery_ids=delivery_ids)


@shared_task(name="notifications.digests", acks_late=True, ignore_result=True)
def make_digests() -> int:
    return daily.digests_make()


@shared_task(name="notifications.deadlines", acks_late=True, ignore_result=True)
def remind_deadlines() -> int:
    return daily.deadlines_start()


@shared_task(
    name="notifications.deadlines_part",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    max_retries=5,
)
def remind_deadlines_part(name: str, day: str) -> int:
    return daily.deadlines_part_run(daily.Part.of(name, dt.date.fromisoformat(day)))
