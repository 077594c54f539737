"""`python manage.py sweep_due_work`: queue again the background work that is due and was never
picked up (what the beat runs every SWEEP_INTERVAL seconds); safe to run at any time."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reviews.services import due_work_sweep


class Command(BaseCommand):
    help = (
        "Queue again the background work that is due and has waited more than SWEEP_GRACE "
        "seconds: reviews to score, quarter jobs, warning notices, webhook deliveries and the "
        "director's reminder of the day. "
        "Work queued twice is done once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        swept = due_work_sweep()
        self.stdout.write(
            _(
                "Queued: %(scoring)s reviews to score, %(jobs)s quarter jobs, "
                "%(warnings)s warning notices, %(webhooks)s webhook deliveries, "
                "%(reminders)s director's reminders."
            )
            % {
                "scoring": swept.scoring,
                "jobs": swept.jobs,
                "warnings": swept.warnings,
                "webhooks": swept.webhooks,
                "reminders": swept.reminders,
            }
        )
