"""The Celery application: one per project, configured from Django settings (CELERY_*)."""

import os

from celery import Celery
from celery.schedules import crontab

from hrperf.env import env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrperf.settings")

app = Celery("hrperf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
SWEEP_INTERVAL = env_int("SWEEP_INTERVAL", 60)
# The periodic schedule lives in code, next to the tasks it names.
app.conf.beat_schedule = {
    "remind-director-of-waiting-approvals": {
        "task": "reviews.remind_director",
        # reviews.services.reminders.REMINDER_HOUR; the sweep sends one the beat missed.
        "schedule": crontab(hour=9, minute=0, day_of_week="mon-fri"),
    },
    # Approved results past their appeal window, with no confirmation and no open appeal,
    # confirmed by the deadline (appeals.services.results_confirm_by_deadline); hourly.
    "confirm-results-by-deadline": {
        "task": "appeals.confirm_by_deadline",
        "schedule": crontab(minute=10),
    },
    # Each person's daily digest, and the reminders of deadlines coming up or passed
    # (notifications.services.daily); the sweep starts one the beat missed.
    "notification-digests": {
        "task": "notifications.digests",
        "schedule": crontab(hour=env_int("NOTIFY_DIGEST_HOUR", 8), minute=0),
    },
    "deadline-reminders": {
        "task": "notifications.deadlines",
        "schedule": crontab(hour=env_int("NOTIFY_REMINDER_HOUR", 9), minute=5),
    },
    # /healthz reports the worker alive while this runs (see hrperf/health.py).
    "worker-heartbeat": {
        "task": "hrperf.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # The work that is due and was never picked up: reviews to score, cycle jobs, warning
    # notices, webhook deliveries (their task was lost, or the broker was down when it was
    # to be queued). Every SWEEP_INTERVAL seconds (default 60).
    "sweep-due-work": {
        "task": "reviews.sweep_due_work",
        "schedule": float(SWEEP_INTERVAL),
        "options": {"expires": max(1, SWEEP_INTERVAL - 5)},
    },
}


@app.task(name="hrperf.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Written by whichever worker consumes the default queue; read by /healthz."""
    from hrperf.health import heartbeat_write

    heartbeat_write()
