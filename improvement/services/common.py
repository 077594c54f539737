"""What the improvement services share: the access check (the workflow table, then the
object), reading the texts people send, and today in the product's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from calendars.selectors import local_date
from hrperf.lib.errors import ErrorList, NotAllowed
from hrperf.lib.roles import Roles, roles_of
from improvement.selectors import is_own, may_act_on
from reviews import workflow
from reviews.models import Review
from reviews.workflow import Action

MAX_TEXT = 5000
MAX_NAME = 100
MAX_ITEMS = 20
# The dates a record may have: the years a quarter may have (hrperf.lib.periods).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def require(action: Action, actor: Any) -> Roles:
    """The actor's roles, once the workflow table gives them their part in `action`."""
    roles = roles_of(actor)
    workflow.require(action, roles)
    return roles


def require_hr_or_head_of(roles: Roles, review: Review) -> None:
    if not may_act_on(roles, review):
        raise NotAllowed(
            _(
                "Only HR or the head of the employee's department may do this, and never on "
                "their own review."
            )
        )


def require_own(roles: Roles, review: Review) -> None:
    if not is_own(roles, review):
        raise NotAllowed(_("Only the employee whose review it is may do this."))


def today() -> dt.date:
    return local_date(timezone.now())


def text(
    errors: ErrorList, name: str, value: str | None, *, required: bool, limit: int = MAX_TEXT
) -> str:
    """The text stripped; a field error when it is required and empty, or too long."""
    value = (value or "").strip()
    if required and not value:
        errors.add(name, _("This field is required."), "required")
    elif len(value) > limit:
        errors.add(
            name,
            gettext("Write at most %(limit)s characters.") % {"limit": limit},
            "too_long",
        )
    return value


def date(
    errors: ErrorList,
    name: str,
    value: dt.date | None,
    *,
    not_after: dt.date | None = None,
    not_before: dt.date | None = None,
) -> dt.date | None:
    if value is None:
        errors.add(name, _("Give a date, such as 2026-10-15."), "required")
        return None
    if not FIRST_DAY <= value <= LAST_DAY:
        errors.add(name, _("Give a date from 2000 to 2099."), "out_of_range")
        return value
    if not_after is not None and value > not_after:
        errors.add(
            name,
            gettext("The date may not be after %(date)s.") % {"date": not_after.isoformat()},
            "too_late",
        )
    if not_before is not None and value < not_before:
        errors.add(
            name,
            gettext("The date may not be before %(date)s.") % {"date": not_before.isoformat()},
            "too_early",
        )
    return value
