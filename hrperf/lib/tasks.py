"""The background worker's tasks by their registered name, and queueing them.

A module of tasks imports the services it calls; the services name the tasks they queue and
never import them, so neither depends on the other. Each app registers its tasks when it is
ready (its `AppConfig.ready` imports its `tasks` module).

Queueing never fails the caller. Every background job is recorded in the database before it is
queued (a submitted review, a queued cycle job, a pending webhook delivery, a warning not yet
mailed), so when the broker cannot be reached `publish` logs one warning and returns False, and
the sweep (`reviews.services.sweep`) queues the work again once the broker is back. After a
failed publish this process does not try the broker again for PUBLISH_PAUSE seconds: a request
that would queue many tasks returns at once instead of waiting on a dead broker for each.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What an unreachable broker raises: kombu's connection errors, Redis' own, and the socket's
# (OSError covers ConnectionError and TimeoutError).
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerError, RedisError, OSError)

_paused_until = 0.0


def task(name: str) -> Task:
    """The task registered as `name`."""
    return current_app.tasks[name]


def publish(name: str, *args: Any, countdown: int | None = None) -> bool:
    """Queue the task `name` now; False (and one warning) if the broker cannot be reached.

    Nobody waits for these tasks' results, so none is stored (and the result store is never
    touched on the way)."""
    global _paused_until
    if time.monotonic() < _paused_until:
        logger.debug("Not queueing %s: the broker was unreachable a moment ago", name)
        return False
    options: dict[str, Any] = {"ignore_result": True}
    if countdown is not None:
        options["countdown"] = countdown
    try:
        task(name).apply_async(args, **options)
    except BROKER_ERRORS as error:
        _paused_until = time.monotonic() + settings.PUBLISH_PAUSE
        logger.warning(
            "Could not queue %s (%s): the broker is unreachable; the sweep will queue it",
            name,
            error.__class__.__name__,
        )
        return False
    return True


def publish_on_commit(name: str, *args: Any) -> None:
    """Queue the task once the current transaction commits (never for work rolled back)."""
    transaction.on_commit(lambda: publish(name, *args))


def resume_publishing() -> None:
    """Try the broker again at the next publish, without waiting out the pause (the sweep does
    this: it runs when the broker is expected to be back)."""
    global _paused_until
    _paused_until = 0.0
