"""The inputs of one review: HR's targets, actual figures and weights, and each assessor's
competency ratings. A change raises the review's revision, recomputes what it lacks and, when it
was submitted or scored, hands it back to the worker (`workflow.after_input_change`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Competency
from hrperf.lib.decimals import NumberRefused, NumberRule, read_number
from hrperf.lib.errors import Conflict, ErrorList, NotAllowed, ValidationFailed
from kpis.values import MAX_WEIGHT, ZERO_TARGET, is_zero_target, limits_of, parse_figure
from reviews import events, inputs, workflow
from reviews.messages import reason_text
from reviews.models import AssessorRole, AuditEvent, CompetencyRating, Review, ReviewKpiLine
from reviews.policies import current_policy, to_scoring
from reviews.services.common import enqueue_scoring, field_error, lock_editable, require

FIGURES = ("target", "actual")
WHOLE_PERCENT = _("Enter a whole number from 0 to 100.")
RATING_RANGE = _("A rating is a whole number from 1 to 5.")
RATINGS = frozenset({"1", "2", "3", "4", "5"})

# Why a figure or a rating changed (calibration, 绩效校准): optional, required once the review
# is scored; kept in the change's audit events (`reason_code`, the note as `reason`).
REASON_CODES = {
    "calibration": _("Calibration"),
    "new_evidence": _("New evidence"),
    "correction": _("Correction"),
    "other": _("Other"),
}

# A change of one figure: the line (its values still the old ones), the figure, the new value.
Change = tuple[ReviewKpiLine, str, Any]


def review_set_figures(
    *,
    actor: Any,
    review: Review,
    figures: Mapping[int, Mapping[str, Any]],
    expected_revision: int | None = None,
    reason_code: str = "",
    note: str = "",
) -> Review:
    """Set targets, actuals and weights of KPI lines: {line_id: {"target"|"actual"|"weight": v}}.
    `reason_code` (one of `REASON_CODES`) and `note` say why; a scored review needs a code."""
    require(workflow.Action.SET_FIGURES, actor)
    check_reason_code(reason_code)
    with transaction.atomic():
        review = lock_editable(review.pk, expected_revision)
        lines = {line.pk: line for line in review.kpi_lines.all()}
        changes = _figure_changes(lines, figures)
        _check_weights(lines.values(), changes)
        if not changes:
            return review
        changed = figure_events(changes, actor=actor, cycle_id=review.cycle_id)
        _with_reason(review, changed, reason_code, note)
        touched = {line.pk: line for line, _, _ in changes}
        ReviewKpiLine.objects.bulk_update(list(touched.values()), ["target", "actual", "weight"])
        _after_input_change(review, actor, changed)
    review.refresh_from_db()
    return review


def _figure_changes(
    lines: Mapping[int, ReviewKpiLine], figures: Mapping[int, Mapping[str, Any]]
) -> list[Change]:
    """The figures that differ from the lines' own; ValidationFailed naming each bad value."""
    errors = ErrorList()
    changes: list[Change] = []
    for line_id, values in figures.items():
        line = lines.get(int(line_id))
        if line is None:
            errors.add(f"lines[{line_id}]", _("No such KPI line on this review."))
            continue
        for name, raw in values.items():
            place = f"{line.code}.{name}"
            value: Decimal | int | None
            if name in FIGURES:
                value = parse_figure(raw, place, errors, limits_of(line))
                if name == "target" and is_zero_target(value, line.direction):
                    errors.add(place, ZERO_TARGET, "zero_target")
                    continue
            elif name == "weight":
                value = _weight(raw, place, errors)
                if value is None:
                    continue
            else:
                errors.add(place, _("Unknown field."))
                continue
            if getattr(line, name) != value:
                changes.append((line, name, value))
    errors.raise_if_any()
    return changes


WEIGHT_RULE = NumberRule(places=0)


def _weight(raw: Any, place: str, errors: ErrorList) -> int | None:
    try:
        value = read_number(raw, WEIGHT_RULE)
    except NumberRefused:
        value = Decimal(-1)
    if not 0 <= value <= MAX_WEIGHT:
        errors.add(place, WHOLE_PERCENT)
        return None
    return int(value)


def _check_weights(lines: Any, changes: Sequence[Change]) -> None:
    weights = {line.pk: line.weight for line in lines}
    weights.update({line.pk: value for line, name, value in changes if name == "weight"})
    total = sum(weights.values())
    if total != MAX_WEIGHT:
        message = reason_text("weights_sum", {"sum": total, "total": MAX_WEIGHT})
        raise ValidationFailed([field_error("weight", message, "weights_sum")])


def figure_events(changes: Sequence[Change], *, actor: Any, cycle_id: int) -> list[AuditEvent]:
    """Set each changed figure on its line (unsaved) and return the audit events saying so."""
    changed = []
    for line, name, value in changes:
        changed.append(
            events.figure_changed(
                cycle_id=cycle_id,
                review_id=line.review_id,
                actor=actor,
                kpi=line.code,
                figure=name,
                before=getattr(line, name),
                after=value,
            )
        )
        setattr(line, name, value)
    return changed


def review_rate(
    *,
    actor: Any,
    review: Review,
    assessor_role: str,
    ratings: Mapping[str, int | None],
    comments: Mapping[str, str] | None = None,
    expected_revision: int | None = None,
    reason_code: str = "",
    note: str = "",
) -> Review:
    """Rate competencies as one assessor: {competency_code: 1..5}. Nobody rates as the
    employee (`self`): their own ratings come with their self-assessment. `reason_code` and
    `note` say why, as for the figures (a scored review needs a code)."""
    check_reason_code(reason_code)
    if workflow.is_self_rating(assessor_role):
        raise NotAllowed(workflow.SELF_RATED_ELSEWHERE, code="self_assessment_only")
    action = workflow.rating_action(assessor_role)
    if action is None:
        raise ValidationFailed([field_error("assessor_role", _("Unknown assessor role."))])
    require(action, actor)
    comments = comments or {}
    competencies = {c.code: c for c in Competency.objects.all()}
    values = _ratings(ratings, comments, competencies)
    with transaction.atomic():
        review = lock_editable(review.pk, expected_revision, action)
        changed = _write_ratings(review, actor, assessor_role, values, comments, competencies)
        if changed:
            _with_reason(review, changed, reason_code, note)
            _after_input_change(review, actor, changed)
    review.refresh_from_db()
    return review


def check_reason_code(code: str) -> None:
    """Refuse (ValidationFailed on `reason_code`) a code that is not one of `REASON_CODES`."""
    if code and code not in REASON_CODES:
        choices = ", ".join(REASON_CODES)
        raise ValidationFailed(
            [
                field_error(
                    "reason_code",
                    _("Choose one of: %(choices)s.") % {"choices": choices},
                    "unknown_choice",
                )
            ]
        )


def _with_reason(review: Review, changed: list[AuditEvent], code: str, note: str) -> None:
    """Mark the change's events with why (a scored review's change must say it: nothing is
    written otherwise, the transaction is undone)."""
    refusal = reason_refusal(review.state, code)
    if refusal is not None:
        raise refusal
    mark_reason(changed, code, note)


REASON_REQUIRED = _(
    "This review is scored: say why its inputs change (calibration, new evidence, a correction "
    "or other)."
)


def reason_refusal(state: str, code: str) -> ValidationFailed | None:
    """The refusal of a change of a review in `state` without a reason code, if it needs one
    (a scored review's does)."""
    if not code and state == Review.State.SCORED:
        return ValidationFailed([field_error("reason_code", REASON_REQUIRED, "reason_required")])
    return None


def mark_reason(changed: Sequence[AuditEvent], code: str, note: str) -> None:
    """Give the change's events (unsaved) the reason code and the note, when a code is given."""
    if not code:
        return
    for event in changed:
        event.params = {**(event.params or {}), "reason_code": code}
        event.reason = (note or "").strip()


def review_self_rate(
    *,
    actor: Any,
    review: Review,
    ratings: Mapping[str, int | None],
    comments: Mapping[str, str] | None = None,
    extra: Sequence[AuditEvent] = (),
) -> Review:
    """Write the employee's own ratings ({competency_code: 1..5}) as the assessor "self", with
    the events `extra` (the self-assessment's own) in the same change: the revision rises and
    what the review lacks is recomputed, as for an assessor's ratings. The caller (the
    self-assessment's service) has checked the employee, the review and the deadline."""
    require(workflow.Action.SELF_ASSESS, actor)
    comments = comments or {}
    competencies = {c.code: c for c in Competency.objects.all()}
    values = _ratings(ratings, comments, competencies)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if not workflow.allows(workflow.Action.SELF_ASSESS, review.state):
            raise Conflict(
                _("HR has submitted this review: a self-assessment can no longer be added."),
                code="review_submitted",
            )
        role = AssessorRole.SELF.value
        changed = _write_ratings(review, actor, role, values, comments, competencies)
        changed.extend(extra)
        _after_input_change(review, actor, changed)
    review.refresh_from_db()
    return review


def _write_ratings(
    review: Review,
    actor: Any,
    assessor_role: str,
    values: Mapping[str, int],
    comments: Mapping[str, str],
    competencies: Mapping[str, Competency],
) -> list[AuditEvent]:
    """Save the ratings that differ from the assessor's own; the events saying so (unsaved)."""
    codes = {competency.pk: code for code, competency in competencies.items()}
    own = {
        codes[r.competency_id]: (r.value, r.comment)
        for r in CompetencyRating.objects.filter(review=review, assessor_role=assessor_role)
        if r.competency_id in codes
    }
    changes = rating_changes(own, values, comments)
    for change in changes:
        CompetencyRating.objects.update_or_create(
            review=review,
            competency=competencies[change.code],
            assessor_role=assessor_role,
            defaults={
                "value": change.value,
                "comment": change.comment,
                "rated_by_id": events.actor_id(actor),
            },
        )
    return rating_events(review, actor, assessor_role, changes)


@dataclass(frozen=True)
class RatingChange:
    code: str  # the competency's
    value: int
    comment: str
    before: int | str  # the assessor's rating before, "" when there was none


def rating_changes(
    own: Mapping[str, tuple[int, str]], values: Mapping[str, int], comments: Mapping[str, str]
) -> list[RatingChange]:
    """The ratings (and their comments) that differ from the assessor's own, given as
    {competency code: (value, comment)}."""
    changes = []
    for code, value in values.items():
        comment = comments.get(code, "")
        current = own.get(code)
        if current is not None and current == (value, comment):
            continue
        changes.append(RatingChange(code, value, comment, current[0] if current else ""))
    return changes


def rating_events(
    review: Review, actor: Any, assessor_role: str, changes: Sequence[RatingChange]
) -> list[AuditEvent]:
    """The audit events (unsaved) of the review's rating changes."""
    return [
        events.rating_changed(
            cycle_id=review.cycle_id,
            review_id=review.pk,
            actor=actor,
            assessor=assessor_role,
            competency=change.code,
            before=change.before,
            after=change.value,
        )
        for change in changes
    ]


def _ratings(
    ratings: Mapping[str, Any], comments: Mapping[str, str], competencies: Mapping[str, Any]
) -> dict[str, int]:
    """Each rating as a whole number 1–5; ValidationFailed naming each bad one, an unknown
    competency, and a comment given without its rating."""
    errors = ErrorList()
    values: dict[str, int] = {}
    for code, raw in ratings.items():
        place = f"ratings.{code}"
        if code not in competencies:
            errors.add(place, _("Unknown competency."))
        elif str(raw).strip() not in RATINGS:
            errors.add(place, RATING_RANGE, "rating_range")
        else:
            values[code] = int(str(raw).strip())
    for code, comment in comments.items():
        if comment.strip() and code not in ratings:
            errors.add(
                f"ratings.{code}",
                _("Give a rating to keep this comment."),
                "comment_without_rating",
            )
    errors.raise_if_any()
    return values


def review_inputs_changed(*, review: Review, actor: Any, changed: list[AuditEvent]) -> None:
    """After inputs of a review were written elsewhere (the employee's own ratings, which the
    self-assessment writes as `CompetencyRating(assessor_role="self")` rows): what
    `review_rate` does after its own writes. Call it in the transaction of the write, with the
    review locked (`lock_editable`); `changed` are the write's audit events, saved here."""
    _after_input_change(review, actor, changed)


def _after_input_change(review: Review, actor: Any, changed: list[AuditEvent]) -> None:
    """Bump the revision, recompute what is missing, and rescore if it was submitted."""
    missing = inputs.review_missing(review, to_scoring(current_policy(review.cycle)))
    new_state = state_after_change(review, actor, missing, changed)
    Review.objects.filter(pk=review.pk).update(
        revision=F("revision") + 1,
        incomplete_reasons=missing,
        state=new_state,
        updated_at=timezone.now(),
    )
    AuditEvent.objects.bulk_create(changed)
    if new_state == Review.State.SUBMITTED:
        enqueue_scoring(review.pk)


def state_after_change(
    review: Review, actor: Any, missing: Sequence[Any], changed: list[AuditEvent]
) -> str:
    """The review's state once its inputs changed and it lacks `missing`; when it moves, the
    event saying so is added to `changed`."""
    new_state = workflow.after_input_change(review.state, complete=not missing)
    if new_state != review.state:
        changed.append(
            events.state_changed(
                cycle_id=review.cycle_id,
                review_id=review.pk,
                actor=actor,
                from_state=review.state,
                to_state=new_state,
                cause=events.INPUTS_CHANGED,
            )
        )
    return new_state
