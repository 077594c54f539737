"""Sending deliveries (notifications.services.deliver) to a real SMTP server and to the robots'
stand-in, both on 127.0.0.1: what arrives, in whose language, signed; retries with backoff,
permanent failures, a delivery sent once however often its task runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from notifications.models import Delivery, Preference, Robot
from notifications.services.deliver import deliveries_sweep, delivery_send
from notifications.services.notify import Event, notify
from tests.helpers.smtp_server import text_of

pytestmark = pytest.mark.django_db

WARNING = {
    "review_id": 7,
    "employee": "张伟",
    "number": "E00002",
    "total": "55.50",
    "period": "2026Q3",
}


def warn(users, group=""):
    return notify(
        [Event(kind="warning", key="warning:7", context=WARNING, users=users, group=group)]
    )


@override_settings(SITE_URL="https://hrperf.example.com")
def test_a_mail_arrives_with_text_and_html_in_the_persons_language(personas, smtp_server):
    personas["hr"].email = "hr@example.com"
    personas["hr"].save(update_fields=["email"])
    Preference.objects.create(user=personas["hr"], language="en")
    [delivery_id] = warn([personas["hr"].pk])
    with smtp_server.django_settings():
        assert delivery_send(delivery_id=delivery_id) == "sent"
        assert delivery_send(delivery_id=delivery_id) == "skipped"  # a repeated task
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ("hr@example.com",)
    assert mail.message["Subject"] == "Verbal warning: 张伟, 2026Q3"
    text, html = text_of(mail.message, "plain"), text_of(mail.message, "html")
    assert "張" not in text and "E00002" in text and "55.50" in text
    assert "https://hrperf.example.com/warnings/" in text
    assert 'href="https://hrperf.example.com/warnings/"' in html
    sent = Delivery.objects.get()
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")


@override_settings(NOTIFY_RETRY_DELAYS=(30, 120), NOTIFY_MAX_ATTEMPTS=3)
def test_a_refused_mail_is_retried_with_backoff_then_given_up(personas, smtp_server):
    personas["hr"].email = "hr@example.com"
    personas["hr"].save(update_fields=["email"])
    [delivery_id] = warn([personas["hr"].pk])
    smtp_server.refuse_next(3)
    now = timezone.now()
    with smtp_server.django_settings():
        assert delivery_send(delivery_id=delivery_id, now=now) == "pending"
        delivery = Delivery.objects.get()
        assert "SMTP 451" in delivery.last_error
        assert 29 <= (delivery.next_attempt_at - now).total_seconds() <= 35
        assert delivery_send(delivery_id=delivery_id, now=now) == "skipped"  # not yet due
        later = delivery.next_attempt_at
        assert delivery_send(delivery_id=delivery_id, now=later) == "pending"
        delivery.refresh_from_db()
        assert 119 <= (delivery.next_attempt_at - later).total_seconds() <= 125
        assert delivery_send(delivery_id=delivery_id, now=delivery.next_attempt_at) == "failed"
    assert smtp_server.received == []
    assert Delivery.objects.get().attempts == 3


def test_a_mail_refused_for_good_is_not_retried(personas, smtp_server):
    personas["hr"].email = "hr@example.com"
    personas["hr"].save(update_fields=["email"])
    [delivery_id] = warn([personas["hr"].pk])
    smtp_server.refuse_next(1, permanent=True)
    with smtp_server.django_settings():
        assert delivery_send(delivery_id=delivery_id) == "failed"
    assert "SMTP 550" in Delivery.objects.get().last_error


@pytest.mark.parametrize("platform", ["feishu", "dingtalk", "wecom"])
def test_a_group_robot_gets_one_signed_message(personas, robot_receiver, platform):
    secret = {"feishu": "feishu-secret", "dingtalk": "SEC" + "a1" * 16, "wecom": ""}[platform]
    url = robot_receiver.add(platform, "token12345", secret=secret)
    Robot.objects.create(
        name="HR", platform=platform, url=url, secret=secret, audience="hr", language="zh-hans"
    )
    ids = warn([], group="hr")
    with override_settings(WEBHOOK_ALLOW_PRIVATE=True):
        assert [delivery_send(delivery_id=pk) for pk in ids] == ["sent"]
    [message] = robot_receiver.accepted
    assert message.platform == platform and message.token == "token12345"
    assert "口头警告：张伟" in str(message.body) and "55.50" in str(message.body)


def test_a_wrong_secret_fails_for_good_and_a_rate_limit_is_retried(personas, robot_receiver):
    url = robot_receiver.add("dingtalk", "token12345", secret="SEC" + "b2" * 16)
    wrong = Robot.objects.create(
        name="wrong", platform="dingtalk", url=url, secret="SEC" + "c3" * 16, audience="hr"
    )
    [delivery_id] = warn([], group="hr")
    with override_settings(WEBHOOK_ALLOW_PRIVATE=True):
        assert delivery_send(delivery_id=delivery_id) == "failed"
    assert "310000" in Delivery.objects.get().last_error
    Robot.objects.filter(pk=wrong.pk).update(secret="SEC" + "b2" * 16)
    Delivery.objects.all().delete()
    [delivery_id] = warn([], group="hr")
    robot_receiver.fail_next(1, code="rate-limited")
    with override_settings(WEBHOOK_ALLOW_PRIVATE=True):
        assert delivery_send(delivery_id=delivery_id) == "pending"
        due = Delivery.objects.get().next_attempt_at
        assert delivery_send(delivery_id=delivery_id, now=due) == "sent"
    assert len(robot_receiver.accepted) == 1


def test_a_robot_on_a_private_address_is_refused_when_sending(personas, robot_receiver):
    url = robot_receiver.add("wecom", "token12345")
    Robot.objects.create(name="HR", platform="wecom", url=url, audience="hr")
    [delivery_id] = warn([], group="hr")
    with override_settings(WEBHOOK_ALLOW_PRIVATE=False):
        assert delivery_send(delivery_id=delivery_id) == "failed"
    assert robot_receiver.requests == 0
    assert "loopback" in Delivery.objects.get().last_error


def test_the_sweep_queues_what_waited_past_its_time(personas, published):
    personas["hr"].email = "hr@example.com"
    personas["hr"].save(update_fields=["email"])
    [delivery_id] = warn([personas["hr"].pk])
    assert deliveries_sweep() == 0  # just queued: left to its own task
    later = timezone.now() + dt.timedelta(minutes=5)
    assert deliveries_sweep(now=later) == 1
    assert [p.args for p in published if p.name == "notifications.deliver"] == [([delivery_id],)]
