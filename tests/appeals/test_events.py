"""The audit events of confirmations and appeals (appeals.events) and how the review's history
puts them into words (reviews.pages.wording)."""

from __future__ import annotations

import pytest
from django.utils import translation

from appeals import events, services
from hrperf.lib.roles import roles_of
from reviews.models import AuditEvent
from reviews.pages.wording import Names, history_rows
from tests.helpers.appeals import file

NAMES = Names(kpis={}, competencies={})


def test_each_constructor_writes_its_action_and_params() -> None:
    made = [
        events.result_confirmed(cycle_id=1, review_id=2, actor=None, version=1, how="deadline"),
        events.appeal_filed(
            cycle_id=1, review_id=2, actor=None, appeal_id=3, version=1, items=["whole"]
        ),
        events.appeal_answered(
            cycle_id=1,
            review_id=2,
            actor=None,
            appeal_id=3,
            version=1,
            status="rejected",
            reason="查过了",
        ),
    ]
    assert [event.action for event in made] == [
        "result_confirmed",
        "appeal_filed",
        "appeal_answered",
    ]
    assert made[0].params == {"version": 1, "how": "deadline"}
    assert made[1].params == {"appeal": 3, "version": 1, "items": ["whole"]}
    assert made[2].params == {"appeal": 3, "version": 1, "status": "rejected"}
    assert made[2].reason == "查过了"


@pytest.mark.usefixtures("in_english")
def test_the_history_says_what_happened(personas, api_quarter) -> None:
    own, hr = api_quarter.own, personas["hr"]
    appeal = file(personas, own)
    services.appeal_accept(user=hr, roles=roles_of(hr), appeal=appeal, reason="CRM shows 95.")
    trail = list(AuditEvent.objects.filter(review=own).order_by("pk"))
    rows = history_rows(trail, NAMES)[-3:]
    assert [row["what"] for row in rows] == [
        "Appeal filed on version 1",
        "State: Approved → Reopened",
        "Appeal on version 1 accepted",
    ]
    assert rows[1]["why"] == "the employee's appeal was accepted: CRM shows 95."
    assert rows[2]["why"] == "CRM shows 95."
    with translation.override("zh-hans"):
        assert history_rows(trail, NAMES)[-3]["what"] == "对版本 1 提出申诉"
