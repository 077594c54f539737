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
}
