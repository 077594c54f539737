"""`GET /healthz`, for load balancers and monitoring: no login, nothing secret, a few ms.

    {"status": "ok" | "degraded" | "down",
     "database": {"ok": true, "ms": 0.4},
     "redis": {"ok": true, "ms": 0.3},
     "worker": {"ok": true, "last_seen": "2026-10-08T09:30:00+08:00", "age_seconds": 12},
     "channels": {"email": {"last_sent": "2026-10-08T09:29:41+08:00", "last_failed": null},
                  "feishu": {...}}}

200 while the database answers (`ok`, or `degraded` when Redis or the worker is not well), 503
when it does not (`down`). A failure is named by its kind only (`"error": "ConnectionError"`),
never with its message, which could hold an address or a password.

`channels` names each notification channel in use (mail, and each robot platform with an active
robot) with its last delivery sent and its last failed one (null: none), for monitoring; it does
not change `status`: a channel that fails never holds up the work.

The worker is alive when its heartbeat is recent: the beat schedules `hrperf.heartbeat` every
30 seconds on the default queue, the worker that runs it writes the time to Redis, and this page
reads it back; "recent" is at most WORKER_HEARTBEAT_MAX_AGE seconds (default 120). No worker,
or no beat, and the heartbeat grows old.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from notifications.selectors import channel_status

REDIS_TIMEOUT_SECONDS = 0.5
_clients: dict[str, redis.Redis] = {}


def heartbeat_key() -> str:
    """One heartbeat per queue: the workers of a test run or of another deployment that
    share the Redis server do not stand in for this one's."""
    return f"hrperf:worker-heartbeat:{settings.CELERY_TASK_DEFAULT_QUEUE}"


def _redis() -> redis.Redis:
    url = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        _clients[url] = client
    return client


def heartbeat_write(now: float | None = None) -> None:
    """Record that a worker is alive (run by the worker, from the `hrperf.heartbeat` task)."""
    ttl = max(3600, settings.WORKER_HEARTBEAT_MAX_AGE * 10)
    _redis().set(heartbeat_key(), repr(time.time() if now is None else now), ex=ttl)


def _elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def _check_database() -> dict[str, Any]:
    start = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "ms": _elapsed_ms(start), "error": exc.__class__.__name__}
    return {"ok": True, "ms": _elapsed_ms(start)}


def _check_redis_and_worker() -> tuple[dict[str, Any], dict[str, Any]]:
    worker: dict[str, Any] = {"ok": False, "last_seen": None, "age_seconds": None}
    start = time.perf_counter()
    try:
        pipe = _redis().pipeline(transaction=False)
        pipe.ping()
        pipe.get(heartbeat_key())
        _pong, beat = pipe.execute()
    except Exception as exc:
        return {"ok": False, "ms": _elapsed_ms(start), "error": exc.__class__.__name__}, worker
    redis_state = {"ok": True, "ms": _elapsed_ms(start)}
    try:
        seen = float(beat) if beat is not None else None
    except ValueError:
        seen = None
    if seen is not None:
        age = max(0, round(time.time() - seen))
        worker = {
            "ok": age <= settings.WORKER_HEARTBEAT_MAX_AGE,
            "last_seen": timezone.localtime(dt.datetime.fromtimestamp(seen, tz=dt.UTC)).isoformat(
                timespec="seconds"
            ),
            "age_seconds": age,
        }
    return redis_state, worker


def _stamp(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _channels() -> dict[str, Any]:
    try:
        found = channel_status()
    except Exception as exc:
        return {"error": exc.__class__.__name__}
    return {
        name: {"last_sent": _stamp(state["last_sent"]), "last_failed": _stamp(state["last_failed"])}
        for name, state in found.items()
    }


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    redis_state, worker = _check_redis_and_worker()
    if not database["ok"]:
        state = "down"
    elif redis_state["ok"] and worker["ok"]:
        state = "ok"
    else:
        state = "degraded"
    response = JsonResponse(
        {
            "status": state,
            "database": database,
            "redis": redis_state,
            "worker": worker,
            "channels": _channels() if database["ok"] else {},
        },
        status=503 if state == "down" else 200,
    )
    return response
