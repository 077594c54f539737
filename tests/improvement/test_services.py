"""After a low score, through the services from start to end: a warned review, its
conversation acknowledged, a plan with two goals and two check-ins, the next quarter's review
warned again (a written warning, made once), and the plan judged."""

from __future__ import annotations

import datetime as dt

import pytest

from hrperf.lib.roles import roles_of
from improvement import selectors, services
from improvement.models import WrittenWarning
from reviews import services as review_services
from reviews.models import AuditEvent
from tests.helpers.improvement import conversation, plan, scored_low


@pytest.mark.parametrize("outcome", ["failed", "extended"])
def test_a_warned_employee_from_conversation_to_outcome(personas, fresh_quarter, outcome) -> None:
    hr, head, employee = personas["hr"], personas["head"], personas["employee"]
    first = scored_low(personas, "2026Q3")

    talk = conversation(personas, first, actor="head")
    services.conversation_acknowledge(actor=employee, conversation=talk, comment="")

    improvement = plan(personas, first, goals=2)
    goals = list(improvement.goals.all())
    services.plan_check_in(
        actor=head,
        plan=improvement,
        held_on=dt.date(2026, 11, 10),
        progress={goals[0].pk: "60%", goals[1].pk: "40%"},
    )
    services.plan_check_in(
        actor=hr, plan=improvement, held_on=dt.date(2026, 12, 1), overall="仍未达标"
    )

    second = scored_low(personas, "2026Q4")
    written = WrittenWarning.objects.get()
    assert (written.review, written.warning.review) == (second, second)
    assert [w.review for w in written.counted.all()] == [first]
    # Asked again (a retried task, a repeated call): nothing more.
    assert not review_services.review_score(review_id=second.pk, revision=second.revision)
    assert services.written_warnings_escalate(review_ids=[second.pk]) == []
    assert WrittenWarning.objects.count() == 1
    flagged = selectors.written_warnings_to_flag(viewer_roles=roles_of(hr))
    assert list(flagged) == [written]

    fetched = selectors.plan_get(viewer_roles=roles_of(hr), plan_id=improvement.pk)
    assert fetched is not None
    assert selectors.next_review(fetched) == second
    assert len(fetched.check_ins.all()) == 2

    ends = dt.date(2027, 6, 30) if outcome == "extended" else None
    judged = services.plan_judge(actor=hr, plan=improvement, outcome=outcome, ends_on=ends)
    assert judged.outcome == outcome
    assert judged.is_open is (outcome == "extended")
    trail = list(
        AuditEvent.objects.filter(review=first)
        .exclude(action__in=["created", "state", "figure", "rating", "scored"])
        .values_list("action", flat=True)
    )
    assert trail == [
        "conversation_recorded",
        "conversation_acknowledged",
        "plan_changed",
        "plan_changed",
        "plan_changed",
        "plan_changed",
    ]
    assert AuditEvent.objects.filter(review=second, action="written_warning").count() == 1
