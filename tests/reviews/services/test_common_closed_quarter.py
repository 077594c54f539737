"""A closed quarter is read-only (reviews.services.common.require_open, the workflow table's
`quarter` column): every write to its reviews, figures, ratings, deadlines, policy, generation,
appeals and self-assessments is refused with the 409 `quarter_closed` and writes nothing; the
employee's confirmation, a mark on the result, is still recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from appeals import services as appeal_services
from appeals.inputs import WHOLE, Disputed
from calendars.services import deadlines_set
from hrperf.lib.errors import Conflict
from hrperf.lib.roles import roles_of
from reviews import services
from reviews.models import AuditEvent, Review, ReviewCycle
from selfassessments.services import self_assessment_save
from tests.helpers.api import SHORT_COMPETENCIES
from tests.helpers.quarters import review_of


def _as(personas, name: str) -> dict[str, Any]:
    return {"user": personas[name], "roles": roles_of(personas[name])}


WRITES: dict[str, Callable[[Any, Review, ReviewCycle], Any]] = {
    "set figures": lambda p, r, c: services.review_set_figures(
        actor=p["hr"], review=r, figures={r.kpi_lines.get().pk: {"actual": "90"}}
    ),
    "rate": lambda p, r, c: services.review_rate(
        actor=p["director"],
        review=r,
        assessor_role="marketing_director",
        ratings=dict.fromkeys(SHORT_COMPETENCIES, 5),
    ),
    "submit": lambda p, r, c: services.review_submit(actor=p["hr"], review=r),
    "approve": lambda p, r, c: services.review_approve(actor=p["director"], review=r),
    "return": lambda p, r, c: services.review_return(actor=p["director"], review=r, comment="x"),
    "reopen a review": lambda p, r, c: services.review_reopen(
        actor=p["director"], review=r, reason="更正"
    ),
    "appeal": lambda p, r, c: appeal_services.appeal_file(
        **_as(p, "employee"), review=r, items=[Disputed(kind=WHOLE)], grounds="有误"
    ),
    "self-assess": lambda p, r, c: self_assessment_save(
        **_as(p, "employee"), review=r, summary="本季度完成了计划。"
    ),
    "set deadlines": lambda p, r, c: deadlines_set(
        **_as(p, "hr"), cycle=c, values={"appeal_working_days": 3}
    ),
    "change the policy": lambda p, r, c: services.cycle_policy_update(
        actor=p["hr"], cycle=c, values={"warning_threshold": "55"}
    ),
    "generate": lambda p, r, c: services.cycle_generate(actor=p["hr"], cycle=c),
    "rescore": lambda p, r, c: services.cycle_rescore(actor=p["hr"], cycle=c),
    "targets in bulk": lambda p, r, c: services.cycle_set_targets(
        actor=p["hr"], cycle=c, kpi_code="SALES_PLAN_RATE", target="120"
    ),
    "import figures": lambda p, r, c: services.cycle_set_figures(
        actor=p["hr"],
        cycle=c,
        rows=[
            {
                "row": 2,
                "employee_no": "E00002",
                "kpi_code": "SALES_PLAN_RATE",
                "period": "2026Q3",
                "target": "",
                "actual": "99",
            }
        ],
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_to_a_closed_quarter_is_refused(personas, closed_quarter, write):
    review = review_of(personas, "employee")
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        WRITES[write](personas, review, closed_quarter)
    assert refused.value.code == "quarter_closed"
    assert "2026Q3" in str(refused.value.message)
    assert AuditEvent.objects.count() == events
    fresh = Review.objects.get(pk=review.pk)
    assert (fresh.state, fresh.revision, fresh.version) == (
        review.state,
        review.revision,
        review.version,
    )


def test_the_employee_still_confirms_a_result_of_a_closed_quarter(personas, closed_quarter):
    confirmation = appeal_services.result_confirm(
        **_as(personas, "employee"), review=review_of(personas, "employee")
    )
    assert confirmation.how == "employee"


def test_a_reopened_quarter_takes_writes_again(personas, closed_quarter):
    services.cycle_reopen(actor=personas["director"], cycle=closed_quarter, reason="数据更正")
    review = services.review_reopen(
        actor=personas["director"], review=review_of(personas, "employee"), reason="更正"
    )
    assert review.state == "reopened"
