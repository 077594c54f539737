"""Confirm by the deadline every approved result past its appeal window (what the beat runs
hourly as `appeals.confirm_by_deadline`)."""

from typing import Any

from django.core.management.base import BaseCommand

from appeals import services


class Command(BaseCommand):
    help = "Confirm by the deadline the approved results past their appeal window."

    def handle(self, *args: Any, **options: Any) -> None:
        confirmed = services.results_confirm_by_deadline()
        mailed = services.answers_mail_due()
        self.stdout.write(f"confirmed {confirmed}, mailed {mailed}")
