"""Closing and reopening a quarter (reviews.services.quarters.cycle_close, cycle_reopen): who
may, what keeps a quarter open (counted), and the events."""

from __future__ import annotations

import pytest

from appeals.inputs import WHOLE, Disputed
from appeals.services import appeal_file
from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from hrperf.lib.roles import roles_of
from reviews import services
from reviews.models import AuditEvent, ReviewCycle
from tests.helpers.closing import approve
from tests.helpers.quarters import review_of

pytestmark = pytest.mark.usefixtures("in_english")


def status_of(cycle: ReviewCycle) -> tuple[str, bool]:
    cycle.refresh_from_db()
    return cycle.status, cycle.closed_at is not None


def test_hr_closes_a_quarter_whose_reviews_are_all_approved(personas, closable_quarter):
    quarter = closable_quarter
    services.cycle_close(actor=personas["hr"], cycle=quarter)
    assert status_of(quarter) == ("closed", True)
    event = AuditEvent.objects.get(cycle=quarter, action="cycle_closed")
    assert (event.actor, event.review, event.params) == (
        personas["hr"],
        None,
        {"period": "2026Q3"},
    )
    with pytest.raises(Conflict) as again:
        services.cycle_close(actor=personas["hr"], cycle=quarter)
    assert again.value.code == "quarter_closed"


def test_closing_is_refused_with_the_count_of_what_keeps_it_open(personas, closing_quarter):
    quarter = closing_quarter
    approve(personas, review_of(personas, "employee"))
    with pytest.raises(Conflict) as refused:
        services.cycle_close(actor=personas["hr"], cycle=quarter)
    assert refused.value.code == "quarter_not_ready"
    assert "2 reviews not approved" in str(refused.value.message)
    assert "appeal" not in str(refused.value.message)
    assert status_of(quarter) == ("open", False)
    assert not AuditEvent.objects.filter(action="cycle_closed").exists()


def test_an_open_appeal_keeps_the_quarter_open(personas, closable_quarter):
    quarter = closable_quarter
    employee = personas["employee"]
    appeal_file(
        user=employee,
        roles=roles_of(employee),
        review=review_of(personas, "employee"),
        items=[Disputed(kind=WHOLE)],
        grounds="我的销售额统计有误。",
    )
    with pytest.raises(Conflict) as refused:
        services.cycle_close(actor=personas["hr"], cycle=quarter)
    assert refused.value.code == "quarter_not_ready"
    assert "1 appeal waiting for HR's answer" in str(refused.value.message)
    assert "not approved" not in str(refused.value.message)


@pytest.mark.parametrize("name", ["director", "head", "employee", "other_employee", "outsider"])
def test_only_hr_closes(personas, closable_quarter, name):
    quarter = closable_quarter
    with pytest.raises(NotAllowed):
        services.cycle_close(actor=personas[name], cycle=quarter)
    assert status_of(quarter) == ("open", False)


def test_the_director_reopens_with_a_reason(personas, closable_quarter):
    quarter = closable_quarter
    services.cycle_close(actor=personas["hr"], cycle=quarter)
    with pytest.raises(ValidationFailed) as blank:
        services.cycle_reopen(actor=personas["director"], cycle=quarter, reason="  ")
    assert blank.value.errors[0].field == "reason"
    assert status_of(quarter) == ("closed", True)
    services.cycle_reopen(actor=personas["director"], cycle=quarter, reason=" 薪资数据更正 ")
    assert status_of(quarter) == ("open", False)
    event = AuditEvent.objects.get(cycle=quarter, action="cycle_reopened")
    assert (event.actor, event.reason, event.params) == (
        personas["director"],
        "薪资数据更正",
        {"period": "2026Q3"},
    )
    with pytest.raises(Conflict) as open_already:
        services.cycle_reopen(actor=personas["director"], cycle=quarter, reason="again")
    assert open_already.value.code == "quarter_open"
    # and HR may close it again
    services.cycle_close(actor=personas["hr"], cycle=quarter)
    assert status_of(quarter) == ("closed", True)


@pytest.mark.parametrize("name", ["hr", "head", "employee", "other_employee", "outsider"])
def test_only_the_director_reopens(personas, closable_quarter, name):
    quarter = closable_quarter
    services.cycle_close(actor=personas["hr"], cycle=quarter)
    with pytest.raises(NotAllowed):
        services.cycle_reopen(actor=personas[name], cycle=quarter, reason="why not")
    assert status_of(quarter) == ("closed", True)
