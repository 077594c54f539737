"""Sending the notifications a test made, in the test's own process: what the worker does with
the deliveries once their transaction commits."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notifications.models import Delivery
from notifications.services.deliver import delivery_send


def send_due(*, now: dt.datetime | None = None) -> list[str]:
    """Send every delivery that is due by `now` (default: now), oldest first; each one's status
    after its attempt."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).order_by("pk")
    return [delivery_send(delivery_id=pk, now=now) for pk in due.values_list("pk", flat=True)]
