"""Thin tasks: ids in, a service called. Each is safe to run twice: a delivery is claimed with a
conditional update before it is sent."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from clients import services

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="clients.deliver_webhook",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=8,
    soft_time_limit=45,
    time_limit=60,
)
def deliver_webhook(delivery_id: int) -> str:
    return services.webhook_deliver(delivery_id=delivery_id)


@shared_task(
    name="clients.hand_out_deliveries",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    max_retries=3,
    soft_time_limit=45,
    time_limit=60,
)
def hand_out_deliveries(delivery_ids: list[int]) -> int:
    """Many deliveries of one change (a batch approval), each queued as its own task."""
    return services.deliveries_hand_out(delivery_ids=delivery_ids)
