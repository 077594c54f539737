"""Recording a performance conversation (绩效面谈) and the employee's acknowledgement."""

from __future__ import annotations

import datetime as dt

import pytest

from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from improvement import services
from improvement.models import Conversation
from reviews.models import AuditEvent, Review
from tests.helpers.improvement import conversation, review_in, scored_low


def test_hr_records_a_conversation_with_its_agreed_actions(personas, fresh_quarter) -> None:
    review = scored_low(personas)
    recorded = conversation(personas, review)
    assert recorded.warning is not None and recorded.warning.review == review
    assert recorded.participants == ["王经理", "张伟", "人力资源部 陈芳"]
    (action,) = recorded.actions.all()
    assert (action.owner, action.due_on) == ("张伟", dt.date(2026, 11, 30))
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONVERSATION_RECORDED)
    assert event.params == {"conversation": recorded.pk, "held_on": "2026-10-20", "actions": 1}
    assert event.review == review and event.actor == personas["hr"]


def test_the_head_of_the_department_records_one(personas, fresh_quarter) -> None:
    assert (
        conversation(personas, scored_low(personas), actor="head").recorded_by == personas["head"]
    )


@pytest.mark.parametrize("name", ["director", "employee", "other_employee", "outsider"])
def test_others_may_not_record_one(personas, fresh_quarter, name) -> None:
    review = scored_low(personas)
    with pytest.raises(NotAllowed):
        conversation(personas, review, actor=name)


def test_a_head_may_not_record_one_about_their_own_review(personas, fresh_quarter) -> None:
    review = scored_low(personas, name="head")
    with pytest.raises(NotAllowed):
        conversation(personas, review, actor="head")


def test_a_review_without_a_low_score_has_no_conversation(personas, fresh_quarter) -> None:
    review = review_in(personas, "2026Q3")
    with pytest.raises(Conflict) as refused:
        conversation(personas, review)
    assert refused.value.code == "not_low_score"


def test_a_review_graded_c_may_have_one(personas, fresh_quarter) -> None:
    review = review_in(personas, "2026Q3")
    Review.objects.filter(pk=review.pk).update(grade=Review.Grade.C)
    review.refresh_from_db()
    assert conversation(personas, review).warning is None


def test_bad_input_names_each_field_and_saves_nothing(personas, fresh_quarter) -> None:
    review = scored_low(personas)
    with pytest.raises(ValidationFailed) as refused:
        services.conversation_record(
            actor=personas["hr"],
            review=review,
            held_on=dt.date(2099, 1, 1),
            participants=["", "张伟"],
            summary=" ",
            actions=[services.ActionInput(action="", owner="张伟", due_on=dt.date(2026, 1, 1))],
        )
    fields = {error.field for error in refused.value.errors}
    assert fields == {
        "held_on",
        "participants[0]",
        "summary",
        "actions[0].action",
        "actions[0].due_on",
    }
    assert not Conversation.objects.exists()


def test_the_employee_acknowledges_once_with_a_comment(personas, fresh_quarter) -> None:
    recorded = conversation(personas, scored_low(personas))
    for name in ("hr", "head", "director", "other_employee"):
        with pytest.raises(NotAllowed):
            services.conversation_acknowledge(
                actor=personas[name], conversation=recorded, comment=""
            )
    done = services.conversation_acknowledge(
        actor=personas["employee"], conversation=recorded, comment="同意，下季度改进。"
    )
    assert done.acknowledged_by == personas["employee"]
    assert done.employee_comment == "同意，下季度改进。"
    with pytest.raises(Conflict) as refused:
        services.conversation_acknowledge(
            actor=personas["employee"], conversation=recorded, comment=""
        )
    assert refused.value.code == "already_acknowledged"
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONVERSATION_ACKNOWLEDGED)
    assert event.reason == "同意，下季度改进。"
