"""The webhook delivery task."""

from __future__ import annotations

import pytest

from clients import tasks
from clients.models import Webhook, WebhookDelivery
from tests.helpers.webhooks import Enqueued, Receiver, emit

pytestmark = pytest.mark.django_db


def test_the_task_sends_the_delivery(
    live_hook: Webhook, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    emit()
    delivery = WebhookDelivery.objects.get()
    result = tasks.deliver_webhook.apply(args=(delivery.pk,))
    assert result.get() == "delivered"
    assert len(receiver.requests) == 1
