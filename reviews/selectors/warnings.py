"""Reads of the verbal warnings (口头警告), limited to what the viewer may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from hrperf.lib.roles import Roles
from hrperf.lib.todos import Todo
from reviews import workflow
from reviews.models import VerbalWarning
from reviews.selectors.visibility import visible_reviews

WARNINGS_URL = "/warnings/"  # the page `reviews.pages.warnings` (a selector reverses no URL)


def warning_list(
    *, viewer_roles: Roles, acknowledged: bool | None = None, before_id: int | None = None
) -> QuerySet[VerbalWarning]:
    """The verbal warnings the viewer may see (HR and the director: all; a head: their own
    department's, of the reviews they see, but never their own: on their own review a head is
    an employee, who sees no HR note), newest first,
    with review, employee, department and cycle loaded; `before_id` starts after that warning
    (keyset pagination)."""
    if viewer_roles.sees_all_reviews:
        warnings = VerbalWarning.objects.all()
    elif viewer_roles.headed_department_id is not None:
        warnings = VerbalWarning.objects.filter(
            review__department_id=viewer_roles.headed_department_id,
            review__in=visible_reviews(viewer_roles=viewer_roles),
        ).exclude(review__employee=viewer_roles.employee)
    else:
        warnings = VerbalWarning.objects.none()
    if acknowledged is not None:
        warnings = warnings.filter(acknowledged_at__isnull=not acknowledged)
    if before_id is not None:
        warnings = warnings.filter(pk__lt=before_id)
    return warnings.select_related(
        "review__employee", "review__department", "review__cycle", "acknowledged_by"
    ).order_by("-pk")


def warning_get(*, viewer_roles: Roles, warning_id: int) -> VerbalWarning | None:
    return warning_list(viewer_roles=viewer_roles).filter(pk=warning_id).first()


def todos(*, viewer_roles: Roles, user: Any, now: datetime | None = None) -> list[Todo]:
    """Whoever acknowledges verbal warnings (HR): one item per quarter with warnings not yet
    acknowledged, linked to that quarter's warnings list filtered to them. One query. An
    acknowledgement has no deadline (`now` is accepted as every part's `todos` accepts it)."""
    if not workflow.holds(workflow.Action.ACKNOWLEDGE_WARNING, viewer_roles):
        return []
    waiting = (
        warning_list(viewer_roles=viewer_roles, acknowledged=False)
        .order_by()
        .values("review__cycle__period")
        .annotate(n=Count("pk"))
        .order_by("-review__cycle__period")
    )
    url = WARNINGS_URL
    items = []
    for row in waiting:
        period = row["review__cycle__period"]
        items.append(
            Todo(
                kind="acknowledge_verbal_warning",
                label=gettext("Acknowledge verbal warnings of %(period)s") % {"period": period},
                url=f"{url}?{urlencode({'period': period, 'acknowledged': 'no'})}",
                count=row["n"],
                period=period,
            )
        )
    return items
