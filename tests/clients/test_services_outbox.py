"""Webhook events through the outbox (clients.services.webhooks_emit, webhooks_sweep): written
in the domain's transaction, enqueued after it commits, never in the domain's way; the sweeper
hands out overdue deliveries."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from clients import services, tasks
from clients.models import ApiClient, Webhook, WebhookDelivery
from tests.helpers.webhooks import Enqueued, emit, hook

pytestmark = pytest.mark.django_db


# -- the outbox ------------------------------------------------------------------------------


def test_an_event_makes_one_delivery_per_active_webhook_that_wants_it(
    payroll_client: ApiClient,
    allow_private: None,
    enqueued: list[Enqueued],
    django_capture_on_commit_callbacks: Any,
) -> None:
    both = hook(payroll_client, "http://127.0.0.1:1/a", ("review.approved", "review.reopened"))
    approved_only = hook(payroll_client, "http://127.0.0.1:1/b", ("review.approved",))
    disabled = hook(payroll_client, "http://127.0.0.1:1/c", ("review.approved",))
    services.webhook_disable(actor=None, webhook=disabled)
    other = services.client_create(actor=None, name="inactive")
    hook(other, "http://127.0.0.1:1/d")
    ApiClient.objects.filter(pk=other.pk).update(active=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert emit("review.approved") == 2
        assert emit("review.reopened") == 1

    approved = WebhookDelivery.objects.filter(event="review.approved")
    assert {d.webhook_id for d in approved} == {both.pk, approved_only.pk}
    assert len({d.event_id for d in approved}) == 1  # one event, one id
    assert {d.status for d in approved} == {"pending"}
    assert sorted(call.delivery_id for call in enqueued) == sorted(
        WebhookDelivery.objects.values_list("pk", flat=True)
    )


def test_the_payload_is_stored_as_json_with_decimals_as_strings_and_local_times(
    live_hook: Webhook, enqueued: list[Enqueued]
) -> None:
    emit()
    payload = WebhookDelivery.objects.get().payload
    assert payload["total_score"] == "92.04" and payload["pay_coefficient"] == "1.10"
    assert payload["approved_at"] == "2026-10-08T09:30:00+08:00"
    assert payload["employee_name"] == "张伟" and payload["verbal_warning"] is False


def test_deliveries_are_enqueued_only_when_the_transaction_commits(
    live_hook: Webhook, enqueued: list[Enqueued], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        emit()
        assert enqueued == []
    assert len(callbacks) == 1
    assert [call.countdown for call in enqueued] == [None]


def test_a_rolled_back_change_leaves_no_event(live_hook: Webhook, enqueued: list[Enqueued]) -> None:
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        assert emit() == 1
        raise Abandon
    assert not WebhookDelivery.objects.exists()
    assert enqueued == []


def test_an_unknown_event_is_a_programming_error(live_hook: Webhook) -> None:
    with pytest.raises(ValueError, match="unknown webhook event"):
        services.webhooks_emit(event="review.deleted", payload={})


@pytest.mark.django_db(transaction=True)
def test_a_dead_endpoint_and_a_dead_broker_never_hold_up_or_break_the_domain(
    payroll_client: ApiClient,
    closed_port: int,
    allow_private: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hook(payroll_client, f"http://127.0.0.1:{closed_port}/dead")

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver_webhook, "apply_async", broker_down)

    started = time.monotonic()
    with transaction.atomic():
        Group.objects.create(name="written-by-the-domain")
        assert emit() == 1
    elapsed = time.monotonic() - started

    assert elapsed < 1.0
    assert Group.objects.filter(name="written-by-the-domain").exists()
    # The delivery waits in the outbox; the sweeper hands it out once it is overdue.
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"


def test_a_failure_to_write_the_outbox_does_not_break_the_callers_transaction(
    live_hook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(WebhookDelivery.objects, "bulk_create", broken)
    with transaction.atomic():
        Group.objects.create(name="kept")
        assert emit() == 0
        assert Group.objects.filter(name="kept").exists()
    assert Group.objects.filter(name="kept").exists()


def test_a_payload_that_is_not_json_is_logged_not_raised(
    live_hook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    assert emit(payload={"figures": {1, 2}}) == 0
    assert "Could not queue webhook event review.approved" in caplog.text


# -- the sweeper -----------------------------------------------------------------------------


def test_the_sweeper_hands_out_overdue_deliveries_only(
    live_hook: Webhook, enqueued: list[Enqueued]
) -> None:
    now = timezone.now()
    for _ in range(4):
        emit()
    overdue, due_now, later, held = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=overdue.pk).update(
        next_attempt_at=now - dt.timedelta(minutes=5)
    )
    WebhookDelivery.objects.filter(pk=due_now.pk).update(next_attempt_at=now)
    WebhookDelivery.objects.filter(pk=later.pk).update(next_attempt_at=now + dt.timedelta(hours=1))
    WebhookDelivery.objects.filter(pk=held.pk).update(
        next_attempt_at=now - dt.timedelta(minutes=5),
        locked_until=now + dt.timedelta(seconds=30),
    )
    enqueued.clear()

    assert services.webhooks_sweep(now=now) == 1
    assert [call.delivery_id for call in enqueued] == [overdue.pk]
