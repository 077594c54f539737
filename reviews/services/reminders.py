"""The marketing director's morning reminder of the reviews waiting for approval: on weekdays
at REMINDER_HOUR (the beat's schedule, hrperf/celery.py), once a day."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Final

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrperf.lib.roles import DIRECTOR
from reviews.models import DirectorReminder, Review, ReviewCycle

REMINDER_HOUR: Final = 9


def reminder_due(now: dt.datetime) -> bool:
    """Whether the day's reminder should have gone by `now` (a weekday, past the hour)."""
    local = timezone.localtime(now)
    return local.weekday() < 5 and local.hour >= REMINDER_HOUR


def director_remind(*, day: dt.date | None = None) -> int:
    """Mail the marketing director the number of scored reviews waiting for approval, once a
    day: the day is claimed first (a repeated task sends nothing), and released if the mail
    fails. Returns how many reviews are waiting (0 when the day's reminder went already)."""
    day = day or timezone.localdate()
    try:
        with transaction.atomic():
            DirectorReminder.objects.create(day=day)
            return _remind()
    except IntegrityError:
        return 0


def _remind() -> int:
    counts = Counter(
        Review.objects.filter(
            state=Review.State.SCORED, cycle__status=ReviewCycle.Status.OPEN
        ).values_list("cycle__period", flat=True)
    )
    if not counts:
        return 0
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=DIRECTOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        lines = "\n".join(
            _("%(period)s: %(count)s reviews") % {"period": p, "count": n}
            for p, n in sorted(counts.items())
        )
        send_mail(
            subject=_("Reviews waiting for your approval"),
            message=_("These scored reviews are waiting for your approval:") + "\n" + lines,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    return sum(counts.values())
