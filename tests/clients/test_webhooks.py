"""Sending webhook deliveries: signed, retried with backoff, never sent twice at once, never
to a private address in production, never following a redirect."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from clients import services, webhooks
from clients.models import ApiClient, Webhook, WebhookDelivery
from tests.helpers.network import Resolver
from tests.helpers.services import skip_or_fail, uses_postgresql
from tests.helpers.webhooks import Enqueued, Receiver, emit, hook, make_due

pytestmark = pytest.mark.django_db


def test_a_delivery_is_signed_so_that_the_receiver_can_check_it(
    live_hook: Webhook, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    emit()
    delivery = WebhookDelivery.objects.get()

    assert services.webhook_deliver(delivery_id=delivery.pk) == "delivered"

    [request] = receiver.requests
    headers = {name.lower(): value for name, value in request.headers.items()}
    timestamp = headers["x-hrperf-timestamp"]
    expected = hmac.new(
        live_hook.secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(headers["x-hrperf-signature"], f"sha256={expected}")
    assert abs(int(timestamp) - time.time()) < 60
    assert headers["x-hrperf-event"] == "review.approved"
    assert headers["x-hrperf-delivery"] == str(delivery.event_id)
    assert headers["content-type"].startswith("application/json")
    assert request.path == "/hooks/hrperf"
    body = json.loads(request.body)
    assert body["id"] == str(delivery.event_id) and body["event"] == "review.approved"
    assert body["data"]["employee_no"] == "E00042" and body["data"]["total_score"] == "92.04"
    assert body["created_at"].endswith("+08:00")
    # A signature made with another secret, or over another body, does not match.
    forged = hmac.new(b"guess", timestamp.encode() + b"." + request.body, hashlib.sha256)
    assert headers["x-hrperf-signature"] != f"sha256={forged.hexdigest()}"

    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.delivered_at is not None
    assert delivery.next_attempt_at is None and delivery.locked_until is None


def test_a_retry_sends_the_same_body_and_delivery_id(
    live_hook: Webhook, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    receiver.statuses = [503]
    emit()
    delivery = WebhookDelivery.objects.get()
    assert services.webhook_deliver(delivery_id=delivery.pk) == "pending"
    make_due(delivery)
    assert services.webhook_deliver(delivery_id=delivery.pk) == "delivered"

    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-Hrperf-Delivery"] == second.headers["X-Hrperf-Delivery"]


def test_it_retries_a_server_error_with_backoff_then_gives_up(
    live_hook: Webhook, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    receiver.status = 500
    emit()
    delivery = WebhookDelivery.objects.get()
    enqueued.clear()

    waits = []
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        before = timezone.now()
        status = services.webhook_deliver(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.last_status_code == 500
        assert delivery.last_error.startswith("HTTP 500")
        if attempt < services.MAX_ATTEMPTS:
            assert status == "pending"
            assert delivery.next_attempt_at is not None
            waits.append(round((delivery.next_attempt_at - before).total_seconds()))
            # Not due yet: a second task for it does nothing.
            assert services.webhook_deliver(delivery_id=delivery.pk) == "skipped"
            make_due(delivery)
    assert status == "failed"
    assert delivery.status == "failed" and delivery.next_attempt_at is None

    assert waits == [30, 120, 600, 3600, 21600, 21600, 21600]
    assert len(receiver.requests) == services.MAX_ATTEMPTS
    # Short waits are scheduled in the broker; hours-long ones are left to the sweeper.
    assert [call.countdown for call in enqueued] == [30, 120, 600]
    assert services.webhook_deliver(delivery_id=delivery.pk) == "skipped"


def test_it_retries_when_the_connection_is_refused(
    payroll_client: ApiClient, closed_port: int, allow_private: None, enqueued: list[Enqueued]
) -> None:
    hook(payroll_client, f"http://127.0.0.1:{closed_port}/hook")
    emit()
    delivery = WebhookDelivery.objects.get()
    enqueued.clear()

    assert services.webhook_deliver(delivery_id=delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.attempts == 1
    assert [(call.delivery_id, call.countdown) for call in enqueued] == [(delivery.pk, 30)]


def test_a_redirect_is_not_followed(
    live_hook: Webhook, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    receiver.status = 302
    emit()
    delivery = WebhookDelivery.objects.get()
    assert services.webhook_deliver(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302 and len(receiver.requests) == 1


def test_a_delivery_held_by_another_worker_is_not_sent_again(
    live_hook: Webhook, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    emit()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        locked_until=timezone.now() + dt.timedelta(seconds=30)
    )
    assert services.webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert receiver.requests == []

    # A worker that died while sending loses its hold when the lease runs out.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.webhook_deliver(delivery_id=delivery.pk) == "delivered"
    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_a_delivery_only_once(
    live_hook: Webhook, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    if not uses_postgresql():
        skip_or_fail(
            "Concurrent workers need PostgreSQL: "
            "threads cannot share SQLite's in-memory test database."
        )
    from django.db import connections

    receiver.delay = 0.3
    emit()
    delivery = WebhookDelivery.objects.get()
    results: list[str] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        try:
            results.append(services.webhook_deliver(delivery_id=delivery.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(results) == ["delivered", "skipped", "skipped", "skipped"]
    assert len(receiver.requests) == 1


def test_a_delivery_to_a_webhook_disabled_meanwhile_is_given_up(
    live_hook: Webhook, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    emit()
    delivery = WebhookDelivery.objects.get()
    Webhook.objects.filter(pk=live_hook.pk).update(active=False)

    assert services.webhook_deliver(delivery_id=delivery.pk) == "failed"
    assert receiver.requests == []


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.8", "::1", "::ffff:192.168.1.1"])
def test_the_sender_refuses_private_addresses_in_production(address: str) -> None:
    assert not webhooks.address_allowed(address, allow_private=False)


def _no_sockets(*args: object, **kwargs: object) -> socket.socket:
    raise AssertionError("a connection was opened")


@pytest.mark.parametrize("special", ["169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a00:1::1"])
@pytest.mark.parametrize("allow_private", [False, True], ids=["production", "local"])
def test_a_name_that_resolves_to_a_special_address_when_sending_is_not_connected_to(
    payroll_client: ApiClient,
    resolver: Resolver,
    enqueued: list[Enqueued],
    monkeypatch: pytest.MonkeyPatch,
    special: str,
    allow_private: bool,
) -> None:
    # Public when the webhook is added, a special-purpose address when the delivery runs.
    resolver.answers["hooks.example.com"] = [["93.184.215.14"]]
    with override_settings(WEBHOOK_ALLOW_PRIVATE=allow_private):
        hook(payroll_client, "http://hooks.example.com/hook")
        resolver.answers["hooks.example.com"] = [[special]]
        emit()
        delivery = WebhookDelivery.objects.get()
        monkeypatch.setattr(socket, "socket", _no_sockets)

        assert services.webhook_deliver(delivery_id=delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert "AddressRefused" in delivery.last_error and special in delivery.last_error


@override_settings(WEBHOOK_ALLOW_PRIVATE=True)
def test_a_name_with_any_special_address_is_refused_whole(
    payroll_client: ApiClient, receiver: Receiver, resolver: Resolver, enqueued: list[Enqueued]
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    resolver.answers["hooks.example.test"] = [["127.0.0.1", "169.254.169.254"]]
    hook(payroll_client, f"http://hooks.example.test:{port}/hooks/hrperf")
    emit()
    delivery = WebhookDelivery.objects.get()

    assert services.webhook_deliver(delivery_id=delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert "AddressRefused" in delivery.last_error and "169.254.169.254" in delivery.last_error
    assert receiver.requests == []


@override_settings(WEBHOOK_ALLOW_PRIVATE=True)
def test_the_sender_connects_to_the_address_it_checked_and_names_the_host(
    payroll_client: ApiClient, receiver: Receiver, resolver: Resolver, enqueued: list[Enqueued]
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    # A second lookup would answer 127.0.0.2, where nothing listens: the request would fail.
    resolver.answers["hooks.example.test"] = [["127.0.0.1"], ["127.0.0.2"]]
    hook(payroll_client, f"http://hooks.example.test:{port}/hooks/hrperf")
    emit()
    delivery = WebhookDelivery.objects.get()
    resolver.calls.clear()

    assert services.webhook_deliver(delivery_id=delivery.pk) == "delivered"

    assert resolver.calls == ["hooks.example.test"]
    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.example.test:{port}"


def _recording_context(wrapped: list[tuple[str, str | None, bool]]) -> ssl.SSLContext:
    """The default TLS context, recording what it is asked to wrap and failing the handshake."""
    context = ssl.create_default_context()

    def wrap_socket(sock: socket.socket, server_hostname: str | None = None) -> None:
        checks = context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
        wrapped.append((sock.getpeername()[0], server_hostname, checks))
        raise ssl.SSLError("handshake refused by the test")

    context.wrap_socket = wrap_socket  # type: ignore[method-assign,assignment]
    return context


@override_settings(WEBHOOK_ALLOW_PRIVATE=True)
def test_https_checks_the_certificate_of_the_host_name_over_the_checked_address(
    payroll_client: ApiClient,
    receiver: Receiver,
    resolver: Resolver,
    enqueued: list[Enqueued],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    resolver.answers["hooks.example.test"] = [["127.0.0.1"]]
    wrapped: list[tuple[str, str | None, bool]] = []
    context = _recording_context(wrapped)
    monkeypatch.setattr(webhooks.ssl, "create_default_context", lambda: context)
    hook(payroll_client, f"https://hooks.example.test:{port}/hooks/hrperf")
    emit()
    delivery = WebhookDelivery.objects.get()

    assert services.webhook_deliver(delivery_id=delivery.pk) == "pending"

    assert wrapped == [("127.0.0.1", "hooks.example.test", True)]
    assert receiver.requests == []


def test_the_sender_does_not_connect_to_a_private_address_in_production(
    payroll_client: ApiClient, receiver: Receiver, enqueued: list[Enqueued]
) -> None:
    with override_settings(WEBHOOK_ALLOW_PRIVATE=True):
        hook(payroll_client, receiver.url)
    emit()
    delivery = WebhookDelivery.objects.get()
    with override_settings(WEBHOOK_ALLOW_PRIVATE=False):
        assert services.webhook_deliver(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert "AddressRefused" in delivery.last_error
    assert receiver.requests == []


@pytest.mark.parametrize("host", ["a..b", "x" * 64 + ".example"])
def test_a_host_name_no_resolver_takes_is_a_problem_not_a_crash(host):
    url = f"http://{host}/hook"
    assert webhooks.url_problem(url, allow_private=False) is not None
    outcome = webhooks.post(
        url,
        body=b"{}",
        secret="s",
        event="review.approved",
        event_id="1",
        now=timezone.now(),
        allow_private=True,
    )
    assert outcome.status_code is None and outcome.error
