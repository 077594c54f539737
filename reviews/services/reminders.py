"""The marketing director's morning reminder of the reviews waiting for approval."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from hrperf.lib.roles import DIRECTOR
from reviews.models import Review, ReviewCycle


def director_remind() -> int:
    """Mail the marketing director the number of scored reviews waiting for approval."""
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
