"""/healthz: database, Redis and worker, for load balancers: no login, nothing secret, fast."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, override_settings

from hrperf import health
from hrperf.celery import heartbeat
from tests.helpers.services import skip_or_fail

pytestmark = pytest.mark.django_db


@pytest.fixture
def beat() -> Iterator[redis.Redis]:
    """The Redis of REDIS_URL, with this test queue's heartbeat removed before and after."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        skip_or_fail(f"Redis does not answer at REDIS_URL ({settings.REDIS_URL})")
    client.delete(health.heartbeat_key())
    yield client
    client.delete(health.heartbeat_key())


def check() -> Any:
    return Client().get("/healthz")


def test_it_is_ok_when_the_database_redis_and_a_worker_answer(beat: redis.Redis) -> None:
    heartbeat()  # what the worker runs every 30 seconds

    response = check()

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True and body["database"]["ms"] >= 0
    assert body["redis"]["ok"] is True
    worker = body["worker"]
    assert worker["ok"] is True and 0 <= worker["age_seconds"] <= 5
    assert worker["last_seen"].endswith("+08:00")


def test_it_needs_no_login_and_is_never_cached(beat: redis.Redis) -> None:
    response = check()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_it_is_degraded_when_the_heartbeat_is_stale(beat: redis.Redis) -> None:
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    health.heartbeat_write(now=time.time() - max_age - 30)

    response = check()

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False
    assert body["worker"]["age_seconds"] >= max_age + 30
    assert body["worker"]["last_seen"] is not None


@override_settings(WORKER_HEARTBEAT_MAX_AGE=5)
def test_recent_means_within_the_configured_age(beat: redis.Redis) -> None:
    health.heartbeat_write(now=time.time() - 10)
    assert check().json()["worker"]["ok"] is False
    health.heartbeat_write(now=time.time() - 2)
    assert check().json()["worker"]["ok"] is True


def test_it_is_degraded_when_no_worker_ever_beat(beat: redis.Redis) -> None:
    body = check().json()
    assert body["status"] == "degraded"
    assert body["worker"] == {"ok": False, "last_seen": None, "age_seconds": None}


def test_a_redis_failure_is_reported_without_its_address_or_password(closed_port: int) -> None:
    url = f"redis://:hunter2@127.0.0.1:{closed_port}/3"
    with override_settings(REDIS_URL=url):
        started = time.monotonic()
        response = check()
        elapsed = time.monotonic() - started

    assert response.status_code == 200  # the database answers: the site can serve
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["redis"]["ok"] is False and body["redis"]["error"] == "ConnectionError"
    assert body["worker"]["ok"] is False
    text = response.content.decode()
    assert "hunter2" not in text and str(closed_port) not in text
    assert elapsed < 2


def test_it_is_down_with_503_when_the_database_does_not_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError('connection to server at "db.internal" failed: password=s3cret')

    monkeypatch.setattr(connection, "cursor", refuse)
    response = check()

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == {
        "ok": False,
        "ms": body["database"]["ms"],
        "error": "OperationalError",
    }
    assert "s3cret" not in response.content.decode()
    assert "db.internal" not in response.content.decode()


def test_it_is_cheap(beat: redis.Redis) -> None:
    heartbeat()
    check()  # connections opened
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        assert check().status_code == 200
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[2] < 0.05


def test_it_answers_only_reads() -> None:
    assert Client().post("/healthz").status_code == 405
