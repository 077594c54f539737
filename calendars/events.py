"""The audit events of the quarter's deadlines (`AuditEvent.Action.DEADLINES_CHANGED`), built
unsaved like `reviews.events`: the service saves them in the transaction of the change.

    deadlines_changed   changes: [{field, from, to}, …] (dates as YYYY-MM-DD, "" when not set;
                        working-day counts as whole numbers)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from reviews.events import actor_id
from reviews.models import AuditEvent


def _plain(value: Any) -> str | int:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return int(value)


def deadlines_changed(
    *, cycle_id: int, actor: Any, before: Mapping[str, Any], after: Mapping[str, Any]
) -> AuditEvent:
    """One event for one change of the quarter's deadlines: each field that changed, with its
    value before and after."""
    changes = [
        {"field": name, "from": _plain(before.get(name)), "to": _plain(after[name])}
        for name in after
        if before.get(name) != after[name]
    ]
    return AuditEvent(
        cycle_id=cycle_id,
        actor_id=actor_id(actor),
        action=AuditEvent.Action.DEADLINES_CHANGED,
        field=",".join(str(change["field"]) for change in changes)[:100],
        params={"changes": changes},
    )
