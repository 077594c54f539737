"""The beat's task that confirms by the deadline, the command that runs it, and the mail task:
each safe to run twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from appeals import tasks
from appeals.models import Confirmation
from hrperf.celery import app
from tests.helpers.appeals import after_window


def test_the_beat_runs_the_deadline_task_hourly() -> None:
    entry = app.conf.beat_schedule["confirm-results-by-deadline"]
    assert entry["task"] == "appeals.confirm_by_deadline"
    assert app.tasks["appeals.confirm_by_deadline"].name == tasks.confirm_by_deadline.name
    assert "appeals.mail_answer" in app.tasks


def test_the_task_and_the_command_confirm_once(api_quarter, monkeypatch) -> None:
    from django.utils import timezone

    later = after_window(api_quarter.own) + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.confirm_by_deadline() == 1
    assert tasks.confirm_by_deadline() == 0
    out = StringIO()
    call_command("confirm_results", stdout=out)
    assert out.getvalue().startswith("confirmed 0")
    assert Confirmation.objects.get().how == "deadline"
