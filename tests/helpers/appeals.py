"""Helpers of the appeals tests: the quarter is the API tests' (`api_quarter`: the employee
persona's review approved), and moments inside and after its appeal window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User

from appeals import services
from appeals.inputs import LINE, WHOLE, Disputed
from appeals.models import Appeal, AppealItem, AppealStep, Confirmation
from calendars.selectors import appeal_window_ends, end_of
from hrperf.lib.roles import roles_of
from reviews.models import AuditEvent, Review


def after_window(review: Review) -> dt.datetime:
    """The first moment after the review's appeal window."""
    ends = appeal_window_ends(review)
    assert ends is not None
    return end_of(ends)


def line_of(review: Review) -> Disputed:
    return Disputed(LINE, line_id=review.kpi_lines.order_by("order")[0].pk)


def file(personas: dict[str, User], review: Review, *items: Disputed, **kwargs: Any) -> Appeal:
    user = personas["employee"]
    return services.appeal_file(
        user=user,
        roles=roles_of(user),
        review=review,
        items=items or (Disputed(WHOLE),),
        grounds=kwargs.pop("grounds", "The figure is wrong: the CRM shows 95."),
        **kwargs,
    )


def counts() -> tuple[int, ...]:
    """What a refused request must leave as it was."""
    return (
        Appeal.objects.count(),
        AppealItem.objects.count(),
        AppealStep.objects.count(),
        Confirmation.objects.count(),
        AuditEvent.objects.count(),
    )
