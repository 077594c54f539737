"""The Celery app (hrperf.celery): its periodic schedule names registered tasks."""

from __future__ import annotations

from hrperf.celery import app
from reviews import tasks


def test_the_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
    assert tasks.remind_director.name == "reviews.remind_director"
