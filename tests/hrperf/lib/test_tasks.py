"""Queueing a task (hrperf.lib.tasks): never an error for the caller when the broker is down —
one warning, and the work is left to the sweep — and never a long wait for a dead broker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from hrperf.celery import app
from hrperf.lib import tasks
from tests.helpers.broker import Published

pytestmark = pytest.mark.django_db


def test_a_task_queued_while_the_broker_is_down_is_left_to_the_sweep(
    redis_down: Callable[[], Any], caplog: pytest.LogCaptureFixture
) -> None:
    with redis_down(), caplog.at_level("WARNING", logger="hrperf.lib.tasks"):
        assert tasks.publish("reviews.score_review", 1, 1) is False
    [warning] = [r for r in caplog.records if r.name == "hrperf.lib.tasks"]
    assert warning.levelname == "WARNING"
    assert "reviews.score_review" in warning.getMessage()
    assert "sweep" in warning.getMessage()


def test_queueing_on_commit_never_raises_into_the_caller(
    redis_down: Callable[[], Any], django_capture_on_commit_callbacks: Any
) -> None:
    with redis_down(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.publish_on_commit("reviews.generate_cycle", 1)
    assert len(callbacks) == 1


def test_after_a_failure_the_broker_is_left_alone_for_a_while(
    refusing_broker: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    attempts = refusing_broker
    with caplog.at_level("WARNING", logger="hrperf.lib.tasks"):
        assert tasks.publish("clients.deliver_webhook", 1) is False
        assert tasks.publish("clients.deliver_webhook", 2) is False
        assert tasks.publish("clients.deliver_webhook", 3) is False
    assert attempts == ["clients.deliver_webhook"]  # one attempt, then the pause
    assert len([r for r in caplog.records if r.levelname == "WARNING"]) == 1

    tasks.resume_publishing()
    assert tasks.publish("clients.deliver_webhook", 4) is False
    assert len(attempts) == 2


def test_a_task_is_queued_without_a_result_to_wait_for(published: list[Published]) -> None:
    assert tasks.publish("clients.deliver_webhook", 7, countdown=30) is True
    assert published == [
        Published("clients.deliver_webhook", (7,), {"ignore_result": True, "countdown": 30})
    ]


def test_how_long_redis_may_keep_a_request_waiting_is_bounded() -> None:
    assert settings.REDIS_CONNECT_TIMEOUT <= 2 and settings.REDIS_SOCKET_TIMEOUT <= 10
    assert app.conf.broker_connection_timeout == settings.REDIS_CONNECT_TIMEOUT
    transport = app.conf.broker_transport_options
    assert transport["socket_connect_timeout"] == settings.REDIS_CONNECT_TIMEOUT
    assert transport["socket_timeout"] == settings.REDIS_SOCKET_TIMEOUT
    assert app.conf.task_publish_retry_policy["max_retries"] <= 2
    assert app.conf.task_publish_retry_policy["interval_max"] <= 1
    results = app.conf.result_backend_transport_options["retry_policy"]
    assert results["max_retries"] <= 2 and results["interval_max"] <= 1
    assert app.conf.redis_socket_connect_timeout == settings.REDIS_CONNECT_TIMEOUT
    assert app.conf.redis_socket_timeout == settings.REDIS_SOCKET_TIMEOUT
    assert settings.PUBLISH_PAUSE > 0
