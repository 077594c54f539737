"""The Celery application: one per project, configured from Django settings (CELERY_*)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrperf.settings")

app = Celery("hrperf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The periodic schedule lives in code, next to the tasks it names.
app.conf.beat_schedule = {
    "remind-director-of-waiting-approvals": {
        "task": "reviews.remind_director",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon-fri"),
    },
    # /healthz reports the worker alive while this runs (see hrperf/health.py).
    "worker-heartbeat": {
        "task": "hrperf.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Webhook deliveries whose task was lost, or whose retry is hours away.
    "send-overdue-webhooks": {
        "task": "clients.sweep_webhooks",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}


@app.task(name="hrperf.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Written by whichever worker consumes the default queue; read by /healthz."""
    from hrperf.health import heartbeat_write

    heartbeat_write()
