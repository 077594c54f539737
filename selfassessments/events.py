"""The audit trail's events of self-assessments (`AuditEvent`, on the review's trail):

self_assessed   self_assessment (its id)
"""

from __future__ import annotations

from typing import Any

from reviews.events import actor_id
from reviews.models import AuditEvent


def self_assessed(
    *, cycle_id: int, review_id: int, actor: Any, self_assessment_id: int
) -> AuditEvent:
    return AuditEvent(
        cycle_id=cycle_id,
        review_id=review_id,
        actor_id=actor_id(actor),
        action=AuditEvent.Action.SELF_ASSESSED,
        field="self_assessment",
        to_value="submitted",
        params={"self_assessment": self_assessment_id},
    )
