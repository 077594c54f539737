"""Sending a delivery: claimed with a lease by one worker, sent outside any transaction,
its outcome written only by the worker that still holds the lease; retried with backoff until
it is sent or gives up. A message the worker already sent is never sent again: the claim
finds it `sent`. (One narrow gap remains, as with any mail: a worker that dies after the
server took the message and before its outcome is written sends it again when the lease runs
out.)"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from hrperf.lib.tasks import publish
from notifications import channels, messages
from notifications.models import Channel, Delivery, Notification

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=60)
EARLY_TOLERANCE = dt.timedelta(seconds=2)  # a countdown that fires a moment early
SWEEP_BATCH = 500
# A delivery queued a moment ago is left to its own task.
SWEEP_GRACE = dt.timedelta(seconds=30)
Status = Delivery.Status


def retry_delay(attempts: int) -> int:
    """Seconds to wait after `attempts` failed attempts (NOTIFY_RETRY_DELAYS)."""
    delays = settings.NOTIFY_RETRY_DELAYS
    return delays[min(attempts, len(delays)) - 1]


def deliveries_send(*, delivery_ids: Sequence[int]) -> dict[str, int]:
    """Send each due delivery of `delivery_ids`; how many ended in each status."""
    counts: dict[str, int] = {}
    for delivery_id in delivery_ids:
        status = delivery_send(delivery_id=delivery_id)
        counts[status] = counts.get(status, 0) + 1
    return counts


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one delivery if it is due and nobody holds it; its status after the attempt, or
    "skipped"."""
    now = now or timezone.now()
    lease = now + LEASE
    claimed = (
        Delivery.objects.filter(
            pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now + EARLY_TOLERANCE
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .update(locked_until=lease, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return "skipped"
    delivery = Delivery.objects.select_related("robot").get(pk=delivery_id)
    sent = _send(delivery)
    return _record(delivery, sent, lease, max(now, timezone.now()))


def _send(delivery: Delivery) -> channels.Sent:
    try:
        message = _message(delivery)
    except Exception as exc:  # facts that no longer make a message: no retry can help
        logger.exception("Delivery %s: the message cannot be written", delivery.pk)
        return channels.Sent(False, f"cannot write the message: {exc!r}"[:500], permanent=True)
    if delivery.channel == Channel.EMAIL:
        return channels.email(delivery.address, message, delivery.language)
    robot = delivery.robot
    if robot is None or not robot.active:
        return channels.Sent(False, "the robot was removed", permanent=True)
    return channels.robot(robot, message, delivery.language)


def _message(delivery: Delivery) -> messages.Message:
    if delivery.kind == "digest":
        items = list(
            Notification.objects.filter(digest_id=delivery.context["digest_id"])
            .order_by("created_at", "pk")
            .values_list("kind", "context")
        )
        return messages.digest(items, delivery.language)
    return messages.message(delivery.kind, delivery.context, delivery.language)


def _record(
    delivery: Delivery, sent: channels.Sent, lease: dt.datetime, finished: dt.datetime
) -> str:
    changes: dict[str, Any] = {"locked_until": None, "last_error": sent.error[:500]}
    delay: int | None = None
    if sent.ok:
        status = Status.SENT
        changes["sent_at"] = finished
    elif sent.permanent or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        status = Status.FAILED
    else:
        status = Status.PENDING
        delay = retry_delay(delivery.attempts)
        changes["next_attempt_at"] = finished + dt.timedelta(seconds=delay)
    written = Delivery.objects.filter(pk=delivery.pk, locked_until=lease).update(
        status=status, **changes
    )
    if not written:
        logger.warning("Delivery %s was taken over while it was being sent", delivery.pk)
        return "skipped"
    if not sent.ok:
        logger.info(
            "Delivery %s (%s) attempt %s failed: %s",
            delivery.pk,
            delivery.channel,
            delivery.attempts,
            sent.error,
        )
    if delay is not None and delay <= _max_countdown():
        publish("notifications.deliver", [delivery.pk], countdown=delay)
    return str(status)


def _max_countdown() -> int:
    """Retries further off than this are left to the sweep (a task held back longer than the
    broker's visibility timeout would be handed out again)."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return min(600, int(timeout) // 2)


def deliveries_sweep(*, now: dt.datetime | None = None) -> int:
    """Queue the deliveries that are due and were not sent (their task was lost, the broker was
    down, quiet hours are over, a retry was too far off to schedule); how many were queued."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now - SWEEP_GRACE)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if due and not publish("notifications.deliver", due):
        return 0
    return len(due)
