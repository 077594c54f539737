"""The audit trail's events, one constructor per kind (`AuditEvent.Action`), each with its
structured parameters. The constructors build unsaved rows: the services save them inside the
transaction of the change they record, one by one or in bulk.

Every event also fills the columns all events share (`field`, `from_value`, `to_value`, and
`reason` for a reason a person gave), which the API's history and the admin show. Pages read
`params`, never a sentence back:

    created               –
    state                 from, to; cause ("inputs_changed", "incomplete") when the system
                          moved it, else a person's reason in `reason`; a reopening caused
                          by an accepted appeal: cause "appeal" and its `appeal` id, HR's
                          reason in `reason`
    figure                kpi, figure ("target", "actual", "weight")
    rating                assessor, competency
    scored                grade, revision
    warning_acknowledged  – (HR's note in `reason`)
    cycle_opened          period
    policy_changed        setting
    group_locked          group, basis, size, seats, lock (the director's reason in `reason`)
    grade_calibrated      group, basis, from, to (grades), rank, lock; cause "rescored" when
                          a rescore ranked the review into its locked group again
    figure, rating        also `reason_code` (calibration, new_evidence, correction, other)
                          when the person gave one, their note in `reason`
    cycle_closed          period (HR closed it: read-only, its reports final)
    cycle_reopened        period (the director's reason in `reason`)

Events written before `params` existed have none: `params_of` reads what their columns say.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from reviews.models import AuditEvent

Action = AuditEvent.Action

QUARTER_CLOSED = Action.QUARTER_CLOSED
QUARTER_REOPENED = Action.QUARTER_REOPENED
QUARTER_ACTIONS = (Action.QUARTER_OPENED, QUARTER_CLOSED, QUARTER_REOPENED)

INPUTS_CHANGED = "inputs_changed"
INCOMPLETE = "incomplete"
APPEAL = "appeal"  # an accepted appeal reopened the review
# What the system wrote as `reason` before events had parameters.
_LEGACY_CAUSES = {"inputs changed": INPUTS_CHANGED, "incomplete": INCOMPLETE}


def actor_id(actor: Any) -> int | None:
    return actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None


def _text(value: object) -> str:
    return "" if value is None else str(value)[:200]


class Row(NamedTuple):
    """An event's values without a model: what the bulk paths append (`audit_append`), where
    building a model per event costs more than writing it."""

    cycle_id: int
    review_id: int | None
    actor_id: int | None
    action: str
    field: str
    from_value: str
    to_value: str
    reason: str
    params: dict[str, Any]

    def model(self) -> AuditEvent:
        return AuditEvent(**self._asdict())


def _row(
    action: str,
    *,
    cycle_id: int,
    review_id: int | None = None,
    actor: Any = None,
    field: str = "",
    from_value: object = "",
    to_value: object = "",
    reason: str = "",
    params: dict[str, Any] | None = None,
) -> Row:
    return Row(
        cycle_id=cycle_id,
        review_id=review_id,
        actor_id=actor_id(actor),
        action=action,
        field=field,
        from_value=_text(from_value),
        to_value=_text(to_value),
        reason=reason,
        params=params or {},
    )


def _event(action: str, **values: Any) -> AuditEvent:
    return _row(action, **values).model()


def review_created(*, cycle_id: int, review_id: int, state: str) -> AuditEvent:
    return _event(Action.CREATED, cycle_id=cycle_id, review_id=review_id, to_value=state)


def state_changed(
    *,
    cycle_id: int,
    review_id: int,
    actor: Any,
    from_state: str,
    to_state: str,
    reason: str = "",
    cause: str = "",
    appeal_id: int | None = None,
) -> AuditEvent:
    """A person moved the review (with their `reason`, if any), or the system did (`cause`);
    `appeal_id` names the appeal whose acceptance reopened it."""
    params: dict[str, Any] = {"from": str(from_state), "to": str(to_state)}
    if cause:
        params["cause"] = cause
    if appeal_id is not None:
        params["appeal"] = appeal_id
    return _event(
        Action.STATE,
        cycle_id=cycle_id,
        review_id=review_id,
        actor=actor,
        field="state",
        from_value=from_state,
        to_value=to_state,
        reason=reason,
        params=params,
    )


def figure_changed(
    *, cycle_id: int, review_id: int, actor: Any, kpi: str, figure: str, before: Any, after: Any
) -> AuditEvent:
    return _event(
        Action.FIGURE,
        cycle_id=cycle_id,
        review_id=review_id,
        actor=actor,
        field=f"{kpi}.{figure}",
        from_value=before,
        to_value=after,
        params={"kpi": kpi, "figure": figure},
    )


def rating_changed(
    *,
    cycle_id: int,
    review_id: int,
    actor: Any,
    assessor: str,
    competency: str,
    before: Any,
    after: Any,
) -> AuditEvent:
    return _event(
        Action.RATING,
        cycle_id=cycle_id,
        review_id=review_id,
        actor=actor,
        field=f"{assessor}.{competency}",
        from_value=before,
        to_value=after,
        params={"assessor": str(assessor), "competency": competency},
    )


def scored(*, cycle_id: int, review_id: int, total: Any, grade: str, revision: int) -> AuditEvent:
    return scored_row(
        cycle_id=cycle_id, review_id=review_id, total=total, grade=grade, revision=revision
    ).model()


def scored_row(*, cycle_id: int, review_id: int, total: Any, grade: str, revision: int) -> Row:
    """The scoring worker's event, as a row (it appends thousands at a time)."""
    return _row(
        Action.SCORED,
        cycle_id=cycle_id,
        review_id=review_id,
        field="total_score",
        to_value=total,
        params={"grade": grade, "revision": revision},
    )


def warning_acknowledged(*, cycle_id: int, review_id: int, actor: Any, note: str) -> AuditEvent:
    return _event(
        Action.WARNING_ACKNOWLEDGED,
        cycle_id=cycle_id,
        review_id=review_id,
        actor=actor,
        reason=note,
    )


def quarter_opened(*, cycle_id: int, actor: Any, period: str) -> AuditEvent:
    return _event(
        Action.QUARTER_OPENED,
        cycle_id=cycle_id,
        actor=actor,
        to_value=period,
        params={"period": period},
    )


def quarter_closed(*, cycle_id: int, actor: Any, period: str) -> AuditEvent:
    return _event(
        QUARTER_CLOSED,
        cycle_id=cycle_id,
        actor=actor,
        field="status",
        from_value="open",
        to_value="closed",
        params={"period": period},
    )


def quarter_reopened(*, cycle_id: int, actor: Any, period: str, reason: str) -> AuditEvent:
    return _event(
        QUARTER_REOPENED,
        cycle_id=cycle_id,
        actor=actor,
        field="status",
        from_value="closed",
        to_value="open",
        reason=reason,
        params={"period": period},
    )


def policy_changed(
    *, cycle_id: int, actor: Any, setting: str, before: Any, after: Any
) -> AuditEvent:
    return _event(
        Action.POLICY_CHANGED,
        cycle_id=cycle_id,
        actor=actor,
        field=setting,
        from_value=before,
        to_value=after,
        params={"setting": setting},
    )


RESCORED = "rescored"  # a rescore ranked a review into its locked group again


def group_locked(
    *,
    cycle_id: int,
    actor: Any,
    group: str,
    basis: str,
    size: int,
    seats: dict[str, int],
    lock_id: int,
    reason: str,
) -> AuditEvent:
    return _event(
        Action.GROUP_LOCKED,
        cycle_id=cycle_id,
        actor=actor,
        field="group",
        to_value=group,
        reason=reason,
        params={"group": group, "basis": basis, "size": size, "seats": seats, "lock": lock_id},
    )


def grade_calibrated(
    *,
    cycle_id: int,
    review_id: int,
    actor: Any,
    group: str,
    basis: str,
    before: str,
    after: str,
    rank: int,
    lock_id: int,
    cause: str = "",
) -> AuditEvent:
    params: dict[str, Any] = {
        "group": group,
        "basis": basis,
        "from": before,
        "to": after,
        "rank": rank,
        "lock": lock_id,
    }
    if cause:
        params["cause"] = cause
    return _event(
        Action.GRADE_CALIBRATED,
        cycle_id=cycle_id,
        review_id=review_id,
        actor=actor,
        field="grade",
        from_value=before,
        to_value=after,
        params=params,
    )


def params_of(event: AuditEvent) -> dict[str, Any]:
    """An event's parameters; for an event written before they existed, what its columns
    give (the system's causes were written as `reason` then)."""
    if event.params is not None:
        return dict(event.params)
    params: dict[str, Any] = {}
    if event.action == Action.STATE:
        params = {"from": event.from_value, "to": event.to_value}
        if event.reason in _LEGACY_CAUSES:
            params["cause"] = _LEGACY_CAUSES[event.reason]
    elif event.action == Action.FIGURE and "." in event.field:
        params["kpi"], params["figure"] = event.field.rsplit(".", 1)
    elif event.action == Action.RATING and "." in event.field:
        params["assessor"], params["competency"] = event.field.split(".", 1)
    return params


def reason_of(event: AuditEvent) -> str:
    """The reason a person gave (empty for what the system did, old events included)."""
    if event.params is None and event.reason in _LEGACY_CAUSES:
        return ""
    if event.params is None and event.action == Action.SCORED:
        return ""  # the worker's own note (grade, revision) of an old event
    return event.reason
