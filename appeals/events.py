"""The audit trail's events of confirmations and appeals, one constructor per kind, in the style
of `reviews.events` (unsaved rows; the services save them in the transaction of the change):

    result_confirmed   version, how ("employee" | "deadline")
    appeal_filed       appeal, version, items (each "line:<KPI code>", "rating:<assessor>:
                       <competency code>" or "whole"); the grounds stay on the appeal
    appeal_answered    appeal, version, status ("accepted" | "rejected"); HR's reason in `reason`
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reviews.events import actor_id
from reviews.models import AuditEvent

Action = AuditEvent.Action


def _event(
    action: str, *, cycle_id: int, review_id: int, actor: Any, params: dict[str, Any], **kw: Any
) -> AuditEvent:
    return AuditEvent(
        cycle_id=cycle_id,
        review_id=review_id,
        actor_id=actor_id(actor),
        action=action,
        params=params,
        **kw,
    )


def result_confirmed(
    *, cycle_id: int, review_id: int, actor: Any, version: int, how: str
) -> AuditEvent:
    return _event(
        Action.RESULT_CONFIRMED,
        cycle_id=cycle_id,
        review_id=review_id,
        actor=actor,
        field="confirmation",
        to_value=how,
        params={"version": version, "how": str(how)},
    )


def appeal_filed(
    *,
    cycle_id: int,
    review_id: int,
    actor: Any,
    appeal_id: int,
    version: int,
    items: Sequence[str],
) -> AuditEvent:
    return _event(
        Action.APPEAL_FILED,
        cycle_id=cycle_id,
        review_id=review_id,
        actor=actor,
        field="appeal",
        to_value="filed",
        params={"appeal": appeal_id, "version": version, "items": list(items)},
    )


def appeal_answered(
    *,
    cycle_id: int,
    review_id: int,
    actor: Any,
    appeal_id: int,
    version: int,
    status: str,
    reason: str,
) -> AuditEvent:
    return _event(
        Action.APPEAL_ANSWERED,
        cycle_id=cycle_id,
        review_id=review_id,
        actor=actor,
        field="appeal",
        from_value="filed",
        to_value=status,
        reason=reason,
        params={"appeal": appeal_id, "version": version, "status": str(status)},
    )
