"""The background worker's tasks by their registered name.

A module of tasks imports the services it calls; the services name the tasks they queue and
never import them, so neither depends on the other. Each app registers its tasks when it is
ready (its `AppConfig.ready` imports its `tasks` module)."""

from __future__ import annotations

from typing import Any

from celery import Task, current_app
from django.db import transaction


def task(name: str) -> Task:
    """The task registered as `name` (`.delay(…)` or `.apply_async(…)` it)."""
    return current_app.tasks[name]


def delay_on_commit(name: str, *args: Any) -> None:
    """Queue the task once the current transaction commits (never for work rolled back)."""
    transaction.on_commit(lambda: task(name).delay(*args))
