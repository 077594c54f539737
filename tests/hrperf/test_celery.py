"""The Celery app (hrperf.celery): its periodic schedule names registered tasks, and the
worker's heartbeat every 30 seconds."""

from __future__ import annotations

from hrperf.celery import app
from reviews import tasks
from reviews.services.reminders import REMINDER_HOUR


def test_the_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
    assert tasks.remind_director.name == "reviews.remind_director"


def test_the_heartbeat_is_scheduled_every_30_seconds() -> None:
    from hrperf.celery import app

    entry = app.conf.beat_schedule["worker-heartbeat"]
    assert entry["task"] == "hrperf.heartbeat" and entry["schedule"] == 30.0


def test_the_sweep_is_scheduled_every_minute() -> None:
    entry = app.conf.beat_schedule["sweep-due-work"]
    assert entry["task"] == "reviews.sweep_due_work" and entry["schedule"] == 60.0
    assert entry["options"]["expires"] < entry["schedule"]


def test_the_reminder_is_scheduled_at_the_hour_the_sweep_expects() -> None:
    schedule = app.conf.beat_schedule["remind-director-of-waiting-approvals"]["schedule"]
    assert schedule.hour == {REMINDER_HOUR} and schedule.minute == {0}
    assert schedule.day_of_week == {1, 2, 3, 4, 5}
