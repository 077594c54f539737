"""A quarter's figures in bulk: one KPI's target on many reviews, and the rows of a figures file
(targets and actual figures by employee × KPI). Each is one transaction, all or nothing, and
changes only reviews whose figures HR may still change in bulk (`workflow.Action.IMPORT_FIGURES`:
drafts, returned and reopened reviews)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrperf.lib.errors import ErrorList, FieldError, ValidationFailed
from kpis.values import (
    ZERO_TARGET,
    Limits,
    is_zero_target,
    limit_problem,
    limits_of,
    parse_figure,
)
from reviews import inputs, workflow
from reviews.models import AuditEvent, Review, ReviewCycle, ReviewKpiLine
from reviews.policies import current_policy, to_scoring
from reviews.services.common import field_error, require, require_open, stale
from reviews.services.inputs import Change, figure_events
from reviews.workflow import Action

FIGURE_COLUMNS = ("target", "actual")
# Each locked review of a bulk change: its revision and state as locked.
Locked = Mapping[int, tuple[int, str]]


@dataclass(frozen=True)
class FiguresOutcome:
    """What a bulk change of figures did: KPI lines updated and unchanged, lines left alone
    because their review was not editable, and reviews touched; of the updated lines, those
    that had neither a target nor an actual figure before (`created`: filled in for the first
    time)."""

    updated: int
    unchanged: int
    skipped: int = 0
    reviews: int = 0
    created: int = 0


def _editable(state: str) -> bool:
    return workflow.allows(Action.IMPORT_FIGURES, state)


def _lock(review_ids: Sequence[int] | set[int]) -> dict[int, tuple[int, str]]:
    return {
        pk: (revision, state)
        for pk, revision, state in Review.objects.select_for_update()
        .filter(pk__in=list(review_ids))
        .order_by("pk")
        .values_list("pk", "revision", "state")
    }


def figures_write(
    *, actor: Any, cycle: ReviewCycle, reviews: Locked, changes: Sequence[Change]
) -> int:
    """Write figure changes of editable reviews (locked by the caller, `reviews` is
    {id: (revision, state)} as locked): the lines, the audit trail, and for each review its
    revision + 1 and what it still lacks, each review by a conditional update. Returns the
    number of reviews changed; a review that moved meanwhile refuses the whole change."""
    if not changes:
        return 0
    now = timezone.now()
    changed = figure_events(changes, actor=actor, cycle_id=cycle.pk)
    touched = {line.pk: line for line, _, _ in changes}
    ReviewKpiLine.objects.bulk_update(list(touched.values()), ["target", "actual"], batch_size=1000)
    review_ids = sorted({line.review_id for line in touched.values()})
    missing = _missing_of(cycle, review_ids)
    editable = workflow.rule(Action.IMPORT_FIGURES).within
    for review_id in review_ids:
        revision, _state = reviews[review_id]
        updated = Review.objects.filter(pk=review_id, revision=revision, state__in=editable).update(
            revision=F("revision") + 1, incomplete_reasons=missing[review_id], updated_at=now
        )
        if updated != 1:
            raise stale()
    AuditEvent.objects.bulk_create(changed, batch_size=5000)
    return len(review_ids)


def _missing_of(cycle: ReviewCycle, review_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """What each review lacks as its lines and ratings stand now (a few queries for all)."""
    return inputs.reviews_missing(review_ids, to_scoring(current_policy(cycle)))


def cycle_set_targets(
    *,
    actor: Any,
    cycle: ReviewCycle,
    kpi_code: str,
    target: Any,
    department_id: int | None = None,
) -> FiguresOutcome:
    """Set one KPI's target on every editable review of the quarter (of one department, if
    given) in one transaction. Reviews submitted, awaiting approval or approved are left alone
    and counted as skipped."""
    require(Action.IMPORT_FIGURES, actor)
    code, value = _target_input(kpi_code, target)
    with transaction.atomic():
        require_open(cycle.pk, Action.IMPORT_FIGURES)
        lines_query = ReviewKpiLine.objects.filter(review__cycle=cycle, code=code)
        if department_id is not None:
            lines_query = lines_query.filter(review__department_id=department_id)
        review_ids = set(lines_query.values_list("review_id", flat=True))
        if not review_ids:
            message = _("No review of this quarter has the KPI %(code)s there.") % {"code": code}
            raise ValidationFailed([field_error("kpi_code", message, "unknown_kpi")])
        locked = _lock(review_ids)
        lines = list(lines_query.order_by("review_id"))
        if any(is_zero_target(value, line.direction) for line in lines):
            raise ValidationFailed([field_error("target", ZERO_TARGET, "zero_target")])
        for line in lines:
            problem = limit_problem(value, "target", limits_of(line))
            if problem is not None:
                raise ValidationFailed([field_error("target", *problem)])
        changes: list[Change] = []
        unchanged = skipped = 0
        for line in lines:
            if not _editable(locked[line.review_id][1]):
                skipped += 1
            elif line.target == value:
                unchanged += 1
            else:
                changes.append((line, "target", value))
        touched = figures_write(actor=actor, cycle=cycle, reviews=locked, changes=changes)
    return FiguresOutcome(
        updated=len(changes), unchanged=unchanged, skipped=skipped, reviews=touched
    )


def _target_input(kpi_code: str, target: Any) -> tuple[str, Decimal]:
    errors = ErrorList()
    code = (kpi_code or "").strip()
    if not code:
        errors.add("kpi_code", _("Give a KPI code."), "required")
    value = None
    if target is None or (isinstance(target, str) and not target.strip()):
        errors.add("target", _("Give a target."), "required")
    else:
        value = parse_figure(target, "target", errors)
    errors.raise_if_any()
    assert value is not None
    return code, value


class FiguresRefused(ValidationFailed):
    """A figures file or request refused: every problem, and the cell each one is about as
    written ({(row, field): text}) for the list of problems."""

    def __init__(self, errors: list[FieldError], cells: Mapping[tuple[int | None, str], str]):
        super().__init__(errors)
        self.cells = dict(cells)


def cycle_set_figures(
    *, actor: Any, cycle: ReviewCycle, rows: Iterable[Mapping[str, Any]]
) -> FiguresOutcome:
    """Apply the rows of a figures file to the quarter's KPI lines, all or nothing.

    Each row is {"row": its number in the file, "employee_no", "kpi_code", and any of
    "period", "target", "actual"} with the cells as read; `rows` is read once, as it comes (a
    file of a whole quarter is never held). A blank target or actual leaves the figure as it
    is. Any bad row (a number that is not one, negative, a zero target on a higher-is-better
    KPI, an unknown employee or KPI, a row given twice, another quarter's period, a change to
    a review that is not editable) raises FiguresRefused (a ValidationFailed) listing every
    problem with its row and column; nothing is saved then. The quarter's reviews and lines
    are read once; the reviews a change touches are then locked and must still be as read."""
    require(Action.IMPORT_FIGURES, actor)
    with transaction.atomic():
        require_open(cycle.pk, Action.IMPORT_FIGURES)
        sheet = _Sheet.read(cycle)
        found: list[tuple[_Line, str, Decimal]] = []
        unchanged = 0
        for row in rows:
            changes = sheet.changes(row)
            if changes is not None:
                found.extend(changes)
                unchanged += 0 if changes else 1
        if sheet.problems:
            problems = sorted(sheet.problems, key=lambda error: error.row or 0)
            raise FiguresRefused(problems, sheet.cells)
        changed = {line.pk: line for line, _name, _value in found}
        blank = sum(1 for line in changed.values() if line.target is None and line.actual is None)
        locked = sheet.lock({line.review_id for line in changed.values()})
        touched = figures_write(
            actor=actor, cycle=cycle, reviews=locked, changes=_model_changes(found)
        )
    return FiguresOutcome(updated=len(changed), unchanged=unchanged, reviews=touched, created=blank)


def _model_changes(found: Sequence[tuple[_Line, str, Decimal]]) -> list[Change]:
    """The changes on KPI line models holding the figures as read (what `figures_write`
    saves), one model a line."""
    models: dict[int, ReviewKpiLine] = {}
    for line, _name, _value in found:
        if line.pk not in models:
            models[line.pk] = ReviewKpiLine(
                pk=line.pk,
                review_id=line.review_id,
                code=line.code,
                target=line.target,
                actual=line.actual,
            )
    return [(models[line.pk], name, value) for line, name, value in found]


@dataclass(slots=True)
class _Line:
    """What the import needs of a KPI line (read as a tuple: a quarter has hundreds of
    thousands), and the first row of the file that names it (kept here rather than in a
    second mapping of as many keys)."""

    pk: int
    review_id: int
    code: str
    direction: str
    limits: Limits
    target: Decimal | None
    actual: Decimal | None
    row: int | None = None


_LINE_FIELDS = (
    "pk",
    "review_id",
    "code",
    "direction",
    "unit",
    "minimum",
    "maximum",
    "target",
    "actual",
)


def _cycle_lines(cycle: ReviewCycle) -> dict[tuple[int, str], _Line]:
    """The quarter's KPI lines by (review id, KPI code upper case), read a chunk at a time."""
    limits: dict[tuple[str, Decimal, Decimal | None], Limits] = {}
    codes: dict[str, str] = {}
    lines: dict[tuple[int, str], _Line] = {}
    query = ReviewKpiLine.objects.filter(review__cycle=cycle).values_list(*_LINE_FIELDS)
    for pk, review_id, code, direction, unit, minimum, maximum, target, actual in query.iterator(
        chunk_size=5000
    ):
        code = codes.setdefault(code, code)
        key = (unit, minimum, maximum)
        line_limits = limits.get(key)
        if line_limits is None:
            line_limits = limits[key] = Limits(unit=unit, minimum=minimum, maximum=maximum)
        upper = codes.setdefault("\0" + code, code.upper())
        lines[(review_id, upper)] = _Line(
            pk, review_id, code, codes.setdefault(direction, direction), line_limits, target, actual
        )
    return lines


@dataclass
class _Sheet:
    """A figures file checked against the quarter: its reviews by employee number (with
    their revision and state as read), their lines by KPI code, and the problems found so far
    with the cells they are about."""

    cycle: ReviewCycle
    by_number: dict[str, int]  # employee number (upper case) → review id
    reviews: dict[int, tuple[int, str]]  # review id → (revision, state) as read
    lines: dict[tuple[int, str], _Line]  # (review id, KPI code upper case) → line
    problems: list[FieldError] = field(default_factory=list)
    cells: dict[tuple[int | None, str], str] = field(default_factory=dict)
    current: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, cycle: ReviewCycle) -> _Sheet:
        by_number: dict[str, int] = {}
        reviews: dict[int, tuple[int, str]] = {}
        query = Review.objects.filter(cycle=cycle).values_list(
            "pk", "employee__employee_no", "revision", "state"
        )
        for pk, number, revision, state in query.iterator(chunk_size=5000):
            by_number[str(number).upper()] = pk
            reviews[pk] = (revision, state)
        return cls(cycle=cycle, by_number=by_number, reviews=reviews, lines=_cycle_lines(cycle))

    def lock(self, review_ids: set[int]) -> dict[int, tuple[int, str]]:
        """Lock the reviews to change; each must still be at the revision and state read, or
        the whole import is refused as stale."""
        locked = _lock(review_ids)
        if any(locked.get(pk) != self.reviews[pk] for pk in review_ids):
            raise stale()
        return locked

    def problem(self, row: int | None, column: str, message: Any) -> None:
        self.problems.append(FieldError(field=column, message=message, code="invalid", row=row))
        self.cells[(row, column)] = str(self.current.get(column) or "")

    def changes(self, row: Mapping[str, Any]) -> list[tuple[_Line, str, Decimal]] | None:
        """The changes a row makes (empty: it changes nothing); None when it has a problem."""
        self.current = row
        number: int | None = row.get("row")
        found = self._line(row, number)
        if found is None:
            return None
        line, employee_no = found
        values = self._values(row, number, line)
        if values is None:
            return None
        changes = [
            (line, name, value) for name, value in values.items() if getattr(line, name) != value
        ]
        state = self.reviews[line.review_id][1]
        if changes and not _editable(state):
            message = _(
                "The review of %(number)s is %(state)s: its figures cannot be changed here."
            ) % {"number": employee_no, "state": Review.State(state).label}
            self.problem(number, changes[0][1], message)
            return None
        return changes

    def _line(self, row: Mapping[str, Any], number: int | None) -> tuple[_Line, str] | None:
        """The KPI line a row is about, and the employee number as written."""
        period = str(row.get("period") or "").strip().upper()
        if period and period != self.cycle.period:
            message = _(
                "This row is for %(period)s, not %(this)s: use this quarter's template."
            ) % {"period": period[:20], "this": self.cycle.period}
            self.problem(number, "period", message)
            return None
        employee_no = str(row.get("employee_no") or "").strip()
        code = str(row.get("kpi_code") or "").strip()
        if not employee_no:
            self.problem(number, "employee_no", _("Employee number is required."))
        if not code:
            self.problem(number, "kpi_code", _("KPI code is required."))
        if not employee_no or not code:
            return None
        review_id = self.by_number.get(employee_no.upper())
        if review_id is None:
            message = _("No review of employee %(number)s in %(period)s.") % {
                "number": employee_no[:40],
                "period": self.cycle.period,
            }
            self.problem(number, "employee_no", message)
            return None
        line = self.lines.get((review_id, code.upper()))
        if line is None:
            message = _("The review of %(number)s has no KPI %(code)s.") % {
                "number": employee_no,
                "code": code[:64],
            }
            self.problem(number, "kpi_code", message)
            return None
        if line.row is not None:
            message = _("%(number)s / %(code)s also appears in row %(row)s.") % {
                "number": employee_no,
                "code": code,
                "row": line.row,
            }
            self.problem(number, "kpi_code", message)
            return None
        line.row = number or 0
        return line, employee_no

    def _values(
        self, row: Mapping[str, Any], number: int | None, line: _Line
    ) -> dict[str, Decimal] | None:
        """The row's figures (blank ones left out); None when one is refused."""
        errors = ErrorList()
        values: dict[str, Decimal] = {}
        for name in FIGURE_COLUMNS:
            parsed = parse_figure(row.get(name), name, errors, line.limits)
            if parsed is not None:
                values[name] = parsed
        if is_zero_target(values.get("target"), line.direction):
            errors.add("target", ZERO_TARGET, "zero_target")
        for error in errors.errors:
            self.problem(number, error.field, error.message)
        return None if errors.errors else values
