"""The deadlines' audit event: each changed field with its value before and after."""

from __future__ import annotations

from datetime import date

import pytest

from calendars import events
from reviews.models import AuditEvent


@pytest.mark.django_db
def test_the_event_lists_each_changed_field(fresh_quarter, personas) -> None:
    event = events.deadlines_changed(
        cycle_id=fresh_quarter.pk,
        actor=personas["hr"],
        before={"rating_due": None, "appeal_working_days": 5, "approval_due": date(2026, 10, 1)},
        after={"rating_due": date(2026, 10, 16), "appeal_working_days": 7, "approval_due": None},
    )
    event.save()
    saved = AuditEvent.objects.get(pk=event.pk)
    assert saved.action == AuditEvent.Action.DEADLINES_CHANGED
    assert saved.actor == personas["hr"] and saved.review is None and saved.reason == ""
    assert saved.field == "rating_due,appeal_working_days,approval_due"
    assert saved.params == {
        "changes": [
            {"field": "rating_due", "from": "", "to": "2026-10-16"},
            {"field": "appeal_working_days", "from": 5, "to": 7},
            {"field": "approval_due", "from": "2026-10-01", "to": ""},
        ]
    }
