"""Escalation (product.md v2): when the scoring worker makes a verbal warning, and the
employee's verbal warnings within the quarter policy's window now reach its count, a written
warning (书面警告) is recorded and flagged to HR and the director. The product records and
flags; it changes nothing else.

The window: the `escalation_quarters` quarters ending with the warned review's quarter, that
quarter included. With 4 quarters, a warning in 2026Q4 counts those of 2026Q1 to 2026Q4: 2026Q1
is within, 2025Q4 is not. Warnings are counted by quarter: the several warnings of one review
(a reopened version warned again) count once. A later quarter does not count back.

Made once per triggering review: the review is unique on the written warning (so is the
warning), and the insert is conditional, so a repeated or late scoring makes no second one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import Conflict
from hrperf.lib.periods import FIRST_YEAR, shift_period
from improvement import events
from improvement.models import WrittenWarning
from improvement.services.common import require
from reviews.models import VerbalWarning
from reviews.workflow import Action

FIRST_PERIOD = f"{FIRST_YEAR}Q1"


def escalation_window(period: str, quarters: int) -> tuple[str, str]:
    """The first and last quarter of the window that ends with `period`: `quarters` quarters,
    `period` included (a window of 1 is that quarter alone)."""
    first = shift_period(period, -(max(quarters, 1) - 1)) or FIRST_PERIOD
    return first, period


@dataclass(frozen=True, slots=True)
class _Trigger:
    """A new verbal warning that may call for a written one, as read (no model: a chunk of the
    scoring worker has thousands, and few of them escalate)."""

    warning_id: int
    review_id: int
    employee_id: int
    period: str
    quarters: int  # the review's policy: the window
    needed: int  # … and the count within it

    @property
    def window(self) -> tuple[str, str]:
        return escalation_window(self.period, self.quarters)


def written_warnings_escalate(*, review_ids: Sequence[int]) -> list[WrittenWarning]:
    """Make the written warnings the new verbal warnings of these reviews call for, in the
    caller's transaction; returns those made now. A fixed number of queries, plus two writes
    per written warning made."""
    latest: dict[int, _Trigger] = {}
    for row in (
        VerbalWarning.objects.filter(
            review_id__in=review_ids, written_warning__isnull=True, review__policy__isnull=False
        )
        .exclude(review__written_warning__isnull=False)
        .order_by("review_id", "-review_version")
        .values_list(
            "pk",
            "review_id",
            "review__employee_id",
            "review__cycle__period",
            "review__policy__escalation_quarters",
            "review__policy__escalation_warnings",
        )
    ):
        trigger = _Trigger(*row)
        latest.setdefault(trigger.review_id, trigger)
    if not latest:
        return []
    windows = [trigger.window for trigger in latest.values()]
    history = _warnings_by_employee(
        {trigger.employee_id for trigger in latest.values()},
        since=min(first for first, _last in windows),
        before=max(last for _first, last in windows),
    )
    counted = {
        trigger.warning_id: earlier
        for trigger in latest.values()
        if (earlier := _counted(trigger, history[trigger.employee_id])) is not None
    }
    warnings = VerbalWarning.objects.select_related("review__cycle", "review__policy").in_bulk(
        list(counted)
    )
    made = []
    for warning_id, earlier in counted.items():
        written = _make(warnings[warning_id], earlier)
        if written is not None:
            made.append(written)
    return made


def _warnings_by_employee(
    employee_ids: set[int], *, since: str, before: str
) -> dict[int, list[VerbalWarning]]:
    """The employees' verbal warnings of the quarters from `since` to before `before` (the
    earlier quarters any trigger's window counts), by employee, oldest first: none read when
    the windows hold no earlier quarter."""
    by_employee: dict[int, list[VerbalWarning]] = defaultdict(list)
    if since >= before:
        return by_employee
    for warning in (
        VerbalWarning.objects.filter(
            review__employee_id__in=employee_ids,
            review__cycle__period__gte=since,
            review__cycle__period__lt=before,
        )
        .select_related("review__cycle")
        .order_by("pk")
    ):
        by_employee[warning.review.employee_id].append(warning)
    return by_employee


def _counted(trigger: _Trigger, warnings: list[VerbalWarning]) -> list[VerbalWarning] | None:
    """The earlier warnings the trigger's written warning counts (the latest of each earlier
    quarter within the window), or None when they fall short of the policy's count."""
    first, last = trigger.window
    earlier: dict[str, VerbalWarning] = {}
    for warning in warnings:
        other = warning.review.cycle.period
        if first <= other < last:
            earlier[other] = warning  # by id: the latest of its quarter
    if 1 + len(earlier) < trigger.needed:
        return None
    return [earlier[key] for key in sorted(earlier)]


def _make(trigger: VerbalWarning, counted: list[VerbalWarning]) -> WrittenWarning | None:
    review = trigger.review
    policy = review.policy
    assert policy is not None
    try:
        with transaction.atomic():
            written = WrittenWarning.objects.create(
                employee_id=review.employee_id,
                review=review,
                warning=trigger,
                warnings_needed=policy.escalation_warnings,
                within_quarters=policy.escalation_quarters,
            )
    except IntegrityError:
        return None  # made already, by a run that got here first
    written.counted.set(counted)
    events.written_warning_made(
        review=review,
        written_warning_id=written.pk,
        periods=[w.review.cycle.period for w in counted] + [review.cycle.period],
        needed=policy.escalation_warnings,
        within=policy.escalation_quarters,
    ).save()
    return written


def written_warning_acknowledge(*, actor: Any, written_warning: WrittenWarning) -> WrittenWarning:
    """HR records that it has seen the written warning (and taken it from there), once."""
    require(Action.ACKNOWLEDGE_WARNING, actor)
    with transaction.atomic():
        updated = WrittenWarning.objects.filter(
            pk=written_warning.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=timezone.now(), acknowledged_by=actor)
        if updated != 1:
            raise Conflict(
                _("This written warning was already acknowledged; it is acknowledged once."),
                code="already_acknowledged",
            )
        events.written_warning_acknowledged(
            review=written_warning.review, actor=actor, written_warning_id=written_warning.pk
        ).save()
    written_warning.refresh_from_db()
    return written_warning
