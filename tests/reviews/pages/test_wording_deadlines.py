"""The quarter's history puts a change of its deadlines into words."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from calendars import events
from reviews.models import AuditEvent
from reviews.pages.wording import Names, history_rows


@pytest.mark.django_db
def test_a_change_of_deadlines_reads_field_by_field(fresh_quarter, personas) -> None:
    events.deadlines_changed(
        cycle_id=fresh_quarter.pk,
        actor=personas["hr"],
        before={"rating_due": None, "appeal_working_days": 5, "approval_due": date(2026, 10, 23)},
        after={"rating_due": date(2026, 10, 16), "appeal_working_days": 7, "approval_due": None},
    ).save()
    trail = list(AuditEvent.objects.filter(action=AuditEvent.Action.DEADLINES_CHANGED))
    with translation.override("en"):
        [row] = history_rows(trail, Names({}, {}))
    assert row["who"] == "HR"  # a login without a name reads as its role, never "hr"
    assert row["what"] == (
        "Deadlines changed: Ratings due: not set → 2026-10-16; "
        "Appeal window (working days after approval): 5 → 7; "
        "Approval due: 2026-10-23 → not set"
    )


@pytest.mark.django_db
def test_an_event_without_changes_still_reads(fresh_quarter) -> None:
    event = AuditEvent.objects.create(
        cycle=fresh_quarter, action=AuditEvent.Action.DEADLINES_CHANGED, params={}
    )
    with translation.override("en"):
        [row] = history_rows([event], Names({}, {}))
    assert row["what"] == "Deadlines changed: "
