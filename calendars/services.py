"""Writing the calendar and the quarters' deadlines: HR only (`workflow.Action.EDIT_CALENDAR`,
`SET_DEADLINES`). Every refusal names its field (and row, for a list of days) and the rule;
nothing is saved unless everything is right."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars import events
from calendars.models import MOST_WORKING_DAYS, CalendarDay, QuarterDeadlines
from calendars.selectors import COUNT_FIELDS, DATE_FIELDS, DEADLINE_FIELDS, field_label
from hrperf.lib.decimals import NumberRefused, NumberRule, read_number
from hrperf.lib.errors import Conflict, ErrorList, FieldError, ValidationFailed
from hrperf.lib.roles import Roles
from reviews import workflow
from reviews.models import ReviewCycle
from reviews.workflow import Action

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years a quarter may be in (hrperf.lib.periods)
MAX_DAYS = 1000  # days in one list
NAME_LENGTH = CalendarDay._meta.get_field("name").max_length or 100
SATURDAY = 5

NOT_A_DATE = _('"%(value)s" is not a date: write it as YYYY-MM-DD, such as 2026-10-01.')
DATE_OUT_OF_RANGE = _("%(value)s is not between 2000-01-01 and 2099-12-31.")


# -- reading ---------------------------------------------------------------------------------------


def read_date(raw: Any) -> date:
    """A date written YYYY-MM-DD (ASCII digits only), or a date already read; ValueError with
    the message to show otherwise."""
    if isinstance(raw, date):
        value = raw
    else:
        text = raw.strip() if isinstance(raw, str) else None
        if text is None or not ISO_DATE.fullmatch(text):
            raise ValueError(str(NOT_A_DATE % {"value": str(raw)[:40]}))
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError(str(NOT_A_DATE % {"value": text})) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(str(DATE_OUT_OF_RANGE % {"value": value.isoformat()}))
    return value


# -- the calendar --------------------------------------------------------------------------------


def _day_error(errors: list[FieldError], row: int, field: str, message: Any) -> None:
    errors.append(FieldError(field=field, message=message, row=row))


def _read_day(item: Mapping[str, Any], row: int, errors: list[FieldError]) -> CalendarDay | None:
    """One day of the list, or None with its problems added to `errors`."""
    before = len(errors)
    day: date | None = None
    try:
        day = read_date(item.get("day"))
    except ValueError as refused:
        _day_error(errors, row, "day", str(refused))
    kind = item.get("kind")
    kind = kind.strip().lower() if isinstance(kind, str) else kind
    if kind not in CalendarDay.Kind.values:
        _day_error(
            errors,
            row,
            "kind",
            _('"%(value)s" is not a kind of day: write holiday or workday.')
            % {"value": str(kind or "")[:40]},
        )
    elif day is not None:
        weekend = day.weekday() >= SATURDAY
        if kind == CalendarDay.Kind.WORKDAY and not weekend:
            _day_error(
                errors,
                row,
                "kind",
                _(
                    "%(day)s is a weekday, already a working day: only a Saturday or Sunday "
                    "can be listed as a working day (调休)."
                )
                % {"day": day.isoformat()},
            )
        if kind == CalendarDay.Kind.HOLIDAY and weekend:
            _day_error(
                errors,
                row,
                "kind",
                _(
                    "%(day)s is a Saturday or Sunday, already a day off: only a weekday can be "
                    "listed as a holiday."
                )
                % {"day": day.isoformat()},
            )
    name = item.get("name") or ""
    if not isinstance(name, str):
        _day_error(errors, row, "name", _("The name must be text."))
        name = ""
    name = name.strip()
    if len(name) > NAME_LENGTH:
        _day_error(
            errors,
            row,
            "name",
            _("The name is longer than %(max)s characters.") % {"max": NAME_LENGTH},
        )
    if len(errors) > before or day is None:
        return None
    return CalendarDay(day=day, kind=str(kind), name=name)


def calendar_days_set(
    *, user: Any, roles: Roles, rows: Sequence[Mapping[str, Any]]
) -> list[CalendarDay]:
    """Add the listed days, replacing the kind and name of a day already listed; all or
    nothing. Each row is a mapping of `day` (YYYY-MM-DD), `kind` (holiday or workday) and
    `name`; its `row` (the line it came from) names it in an error, else its place from 1."""
    workflow.require(Action.EDIT_CALENDAR, roles)
    if not rows:
        raise ValidationFailed(
            [FieldError(field="days", message=_("List at least one day."), code="required")]
        )
    if len(rows) > MAX_DAYS:
        raise ValidationFailed(
            [
                FieldError(
                    field="days",
                    message=_("At most %(max)s days at once.") % {"max": MAX_DAYS},
                    code="too_many",
                )
            ]
        )
    errors: list[FieldError] = []
    days: list[CalendarDay] = []
    seen: dict[date, int] = {}
    for place, item in enumerate(rows, start=1):
        row = item.get("row") if isinstance(item.get("row"), int) else place
        assert isinstance(row, int)
        day = _read_day(item, row, errors)
        if day is None:
            continue
        if day.day in seen:
            _day_error(
                errors,
                row,
                "day",
                _("%(day)s is listed twice (also in row %(row)s).")
                % {"day": day.day.isoformat(), "row": seen[day.day]},
            )
            continue
        seen[day.day] = row
        days.append(day)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        for day in days:
            CalendarDay.objects.update_or_create(
                day=day.day,
                defaults={"kind": day.kind, "name": day.name},
                create_defaults={"kind": day.kind, "name": day.name, "created_by": user},
            )
    return list(CalendarDay.objects.filter(day__in=seen).order_by("day"))


def calendar_day_remove(*, user: Any, roles: Roles, day: date) -> bool:
    """Take a day off the calendar (it is what its weekday says again); False when it was not
    listed."""
    workflow.require(Action.EDIT_CALENDAR, roles)
    deleted, _counts = CalendarDay.objects.filter(day=day).delete()
    return deleted > 0


# -- the deadlines -------------------------------------------------------------------------------

COUNT_RULE = NumberRule(places=0, below=None)


def _read_count(name: str, raw: Any, errors: ErrorList) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        errors.add(
            name,
            _("%(field)s is required: a whole number of working days from 1 to %(max)s.")
            % {"field": field_label(name), "max": MOST_WORKING_DAYS},
            "required",
        )
        return None
    try:
        value = read_number(raw, COUNT_RULE)
    except NumberRefused as refused:
        errors.add(name, refused.message, refused.code)
        return None
    if not 1 <= value <= MOST_WORKING_DAYS:
        errors.add(
            name,
            _("%(field)s must be from 1 to %(max)s working days, not %(value)s.")
            % {"field": field_label(name), "max": MOST_WORKING_DAYS, "value": value},
            "out_of_range",
        )
        return None
    return int(value)


def _read_due(name: str, raw: Any, cycle: ReviewCycle, errors: ErrorList) -> date | None:
    """A deadline: blank is not set."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = read_date(raw)
    except ValueError as refused:
        errors.add(name, str(refused))
        return None
    latest = _latest(cycle)
    if not cycle.starts_on <= value <= latest:
        errors.add(
            name,
            _(
                "%(field)s %(value)s is outside the quarter's range: it must be from the "
                "quarter's first day, %(first)s, to a year after its last, %(latest)s."
            )
            % {
                "field": field_label(name),
                "value": value.isoformat(),
                "first": cycle.starts_on.isoformat(),
                "latest": latest.isoformat(),
            },
            "out_of_range",
        )
        return None
    return value


def _latest(cycle: ReviewCycle) -> date:
    """The last day a deadline of the quarter may be on: a year after the quarter ends."""
    try:
        return cycle.ends_on.replace(year=cycle.ends_on.year + 1)
    except ValueError:  # 29 February
        return cycle.ends_on + timedelta(days=365)


def _check_order(values: Mapping[str, Any], errors: ErrorList) -> None:
    """Self-assessment, then ratings, then approval: each deadline given is on or after the
    ones before it."""
    given = [(name, values[name]) for name in DATE_FIELDS if values.get(name) is not None]
    for (earlier, first), (later, second) in pairwise(given):
        if second < first:
            errors.add(
                later,
                _("%(later)s (%(second)s) must not be before %(earlier)s (%(first)s).")
                % {
                    "later": field_label(later),
                    "second": second.isoformat(),
                    "earlier": field_label(earlier),
                    "first": first.isoformat(),
                },
                "order",
            )


def _default(name: str) -> Any:
    field = QuarterDeadlines._meta.get_field(name)
    assert isinstance(field, Field)
    return field.get_default()


def _current(row: QuarterDeadlines | None) -> dict[str, Any]:
    if row is None:
        return {name: _default(name) for name in DEADLINE_FIELDS}
    return {name: getattr(row, name) for name in DEADLINE_FIELDS}


def read_deadlines(
    *, cycle: ReviewCycle, values: Mapping[str, Any], current: Mapping[str, Any]
) -> dict[str, Any]:
    """The deadlines once `values` are applied to `current`: each field given is read (a date
    blank or None: not set), the others keep their value. ValidationFailed naming every
    field at fault."""
    errors = ErrorList()
    for name in values:
        if name not in DEADLINE_FIELDS:
            errors.add(
                name,
                _("%(name)s is not a deadline; the deadlines are: %(names)s.")
                % {"name": str(name)[:40], "names": ", ".join(DEADLINE_FIELDS)},
                "unknown",
            )
    merged = dict(current)
    for name in DATE_FIELDS:
        if name in values:
            merged[name] = _read_due(name, values[name], cycle, errors)
    for name in COUNT_FIELDS:
        if name in values:
            merged[name] = _read_count(name, values[name], errors)
    errors.raise_if_any()
    _check_order(merged, errors)
    errors.raise_if_any()
    return merged


def deadlines_set(
    *, user: Any, roles: Roles, cycle: ReviewCycle, values: Mapping[str, Any]
) -> QuarterDeadlines:
    """Set the quarter's deadlines: the fields in `values` change (a date blank or None is not
    set), the others keep their value. Any time while the quarter is open; one
    `deadlines_changed` event names each field that changed."""
    workflow.require(Action.SET_DEADLINES, roles)
    with transaction.atomic():
        locked = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
        if not workflow.allows_in_quarter(Action.SET_DEADLINES, locked.status):
            raise Conflict(
                _("Quarter %(period)s is closed: its deadlines can no longer change.")
                % {"period": locked.period},
                code="quarter_closed",
            )
        row = QuarterDeadlines.objects.filter(cycle=locked).first()
        before = _current(row)
        after = read_deadlines(cycle=locked, values=values, current=before)
        changed = {name: after[name] for name in DEADLINE_FIELDS if after[name] != before[name]}
        if not changed:
            return row or QuarterDeadlines(cycle=locked, **after)
        if row is None:
            row = QuarterDeadlines.objects.create(cycle=locked, updated_by=user, **after)
        else:
            QuarterDeadlines.objects.filter(pk=row.pk).update(
                updated_by=user, updated_at=timezone.now(), **changed
            )
            row.refresh_from_db()
        events.deadlines_changed(
            cycle_id=locked.pk, actor=user, before=before, after=changed
        ).save()
    return row
