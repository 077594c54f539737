"""Helpers of the webhook tests: what the receiver (the `receiver` fixture,
tests/fixtures/webhooks.py) records, the deliveries handed to the broker, and making a webhook
and emitting an event through the services."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from clients import services
from clients.models import ApiClient, Webhook, WebhookDelivery

PAYLOAD: dict[str, Any] = {
    "employee_no": "E00042",
    "employee_name": "张伟",
    "department_code": "SALES",
    "period": "2026Q3",
    "total_score": Decimal("92.04"),
    "grade": "A",
    "pay_coefficient": Decimal("1.10"),
    "verbal_warning": False,
    "version": 1,
    "approved_at": dt.datetime(2026, 10, 8, 1, 30, tzinfo=dt.UTC),
}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next of `statuses` (then `status`), after `delay` s."""

    url: str = ""
    status: int = 200
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else self.status


@dataclass
class Enqueued:
    delivery_id: int
    countdown: float | None


def hook(client: ApiClient, url: str, events: tuple[str, ...] = ("review.approved",)) -> Webhook:
    return services.webhook_create(actor=None, client=client, url=url, events=list(events))


def emit(event: str = "review.approved", payload: dict[str, Any] | None = None) -> int:
    return services.webhooks_emit(event=event, payload=PAYLOAD if payload is None else payload)


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
