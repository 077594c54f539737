"""Verbal warnings (口头警告): HR is told once about each new one, and acknowledges it with a
note of the conversation held (绩效面谈)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import Conflict
from hrperf.lib.numbers import score
from hrperf.lib.roles import HR, roles_of
from hrperf.lib.tasks import publish
from notifications.services.notify import Event, notify
from reviews import events
from reviews.models import VerbalWarning
from reviews.selectors.visibility import Part, parts_seen
from reviews.services.common import require, require_text
from reviews.workflow import Action


def enqueue_warning_notices(review_ids: Sequence[int]) -> None:
    """One task for the new warnings of these reviews (one message, not one per warning)."""
    warning_ids = list(
        VerbalWarning.objects.filter(
            review_id__in=review_ids, notified_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if warning_ids:
        publish("reviews.notify_warnings", warning_ids)


def warning_notify(*, warning_id: int) -> bool:
    """Tell HR about a new verbal warning, once: the row is claimed by a conditional update
    before the notification is recorded, so a repeated task tells nobody twice."""
    with transaction.atomic():
        claimed = VerbalWarning.objects.filter(pk=warning_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if claimed != 1:
            return False
        warning = VerbalWarning.objects.select_related("review__employee", "review__cycle").get(
            pk=warning_id
        )
        recipients = [
            user.pk
            for user in get_user_model()
            .objects.filter(groups__name=HR, is_active=True)
            .order_by("pk")
            if Part.WARNING in parts_seen(viewer_roles=roles_of(user), review=warning.review)
        ]
        employee = warning.review.employee
        notify(
            [
                Event(
                    kind="warning",
                    key=f"warning:{warning.pk}",
                    context={
                        "review_id": warning.review_id,
                        "employee": employee.name,
                        "number": employee.employee_no,
                        "total": score(warning.total_score),
                        "period": warning.review.cycle.period,
                    },
                    users=recipients,
                    group="hr",
                )
            ]
        )
    return True


def warning_acknowledge(*, actor: Any, warning: VerbalWarning, note: str) -> VerbalWarning:
    require(Action.ACKNOWLEDGE_WARNING, actor)
    require_text("note", note, _("Write a note of the conversation held."))
    with transaction.atomic():
        updated = VerbalWarning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(),
            acknowledged_by_id=events.actor_id(actor),
            note=note.strip(),
        )
        if updated != 1:
            raise Conflict(_("This warning was already acknowledged."))
        review = warning.review
        events.warning_acknowledged(
            cycle_id=review.cycle_id, review_id=review.pk, actor=actor, note=note.strip()
        ).save()
    warning.refresh_from_db()
    return warning
