"""Calibration's writes (reviews.services.calibration): locking a group under relative grading,
what it writes on each review and in the audit trail, its refusals; the approval of a relative
quarter's review (its group locked first) and past a hard limit (a written reason); and a
review of a locked group rescored after its reopening, ranked into the lock's seats."""

from decimal import Decimal
from typing import Any

import pytest

from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from reviews import services
from reviews.models import ApprovedResult, AuditEvent, CalibrationLock, Review, ScoringPolicy
from reviews.services.calibration import group_lock
from tests.helpers.quarters import review_of, scored


def params(event: AuditEvent | None) -> dict[str, Any]:
    assert event is not None and event.params is not None
    return dict(event.params)


def basis(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict)
    return value


def relative(cycle, **settings):
    values = {"grading": "relative", "relative_min_group": 1, **settings}
    ScoringPolicy.objects.filter(cycle=cycle).update(**values)


def two_scored(personas):
    """SALES: the head at 90.00 (A by the bands), the employee at 70.00 (C by the bands)."""
    head = scored(personas, actual="90", director=5, hr=5, name="head")  # K 90, C 100: 92.00
    employee = scored(personas, actual="70", director=3, hr=3)  # K 70, C 60: 68.00
    return head, employee


def lock_sales(personas, departments, cycle, reason="Calibrated in the meeting"):
    return group_lock(
        actor=personas["director"], cycle=cycle, department=departments["SALES"], reason=reason
    )


def test_locking_grades_the_group_by_rank_and_keeps_the_basis(fresh_quarter, personas, departments):
    relative(fresh_quarter)
    head, employee = two_scored(personas)
    assert (head.total_score, head.grade, employee.total_score, employee.grade) == (
        Decimal("92.00"),
        "A",
        Decimal("68.00"),
        "C",
    )
    lock = lock_sales(personas, departments, fresh_quarter)
    # n = 2: x = .2 .4 .8 .4 .2 → B (.8) and A (.4, ahead of C's equal .4): seats A1 B1.
    assert lock.seats == {"S": 0, "A": 1, "B": 1, "C": 0, "D": 0}
    assert lock.basis == "relative"
    head.refresh_from_db()
    employee.refresh_from_db()
    assert (head.grade, head.pay_coefficient) == ("A", Decimal("1.10"))
    assert (employee.grade, employee.pay_coefficient) == ("B", Decimal("1.00"))
    assert employee.total_score == Decimal("68.00")  # totals never change
    basis = employee.grade_basis
    assert basis["basis"] == "relative"
    assert (basis["group"], basis["rank"], basis["size"], basis["lock"]) == (
        f"department:{departments['SALES'].pk}",
        2,
        2,
        lock.pk,
    )
    assert basis["absolute_grade"] == "C"
    locked = AuditEvent.objects.get(action=AuditEvent.Action.GROUP_LOCKED)
    assert locked.reason == "Calibrated in the meeting"
    assert params(locked)["seats"] == lock.seats
    changed = AuditEvent.objects.get(action="grade_calibrated", review=employee)
    assert (params(changed)["from"], params(changed)["to"], params(changed)["rank"]) == (
        "C",
        "B",
        2,
    )


def test_a_group_under_the_minimum_keeps_its_absolute_grades(fresh_quarter, personas, departments):
    relative(fresh_quarter, relative_min_group=10)
    _head, employee = two_scored(personas)
    lock = lock_sales(personas, departments, fresh_quarter)
    employee.refresh_from_db()
    assert lock.basis == "absolute"
    assert (employee.grade, basis(employee.grade_basis)["basis"]) == ("C", "absolute")


def test_the_warning_stays_absolute(fresh_quarter, personas, departments):
    relative(fresh_quarter)
    scored(personas, actual="90", director=5, hr=5, name="head")
    low = scored(personas, actual="40", director=2, hr=2)  # 40.00: a warning
    lock_sales(personas, departments, fresh_quarter)
    low.refresh_from_db()
    assert low.grade == "B" and low.verbal_warning is True


def test_only_the_director_locks_with_a_reason(fresh_quarter, personas, departments):
    relative(fresh_quarter)
    two_scored(personas)
    with pytest.raises(NotAllowed):
        group_lock(
            actor=personas["hr"], cycle=fresh_quarter, department=departments["SALES"], reason="x"
        )
    with pytest.raises(ValidationFailed) as refused:
        lock_sales(personas, departments, fresh_quarter, reason="  ")
    assert refused.value.errors[0].field == "reason"
    assert not CalibrationLock.objects.exists()


def test_refused_under_absolute_grading(fresh_quarter, personas, departments):
    two_scored(personas)
    with pytest.raises(Conflict) as refused:
        lock_sales(personas, departments, fresh_quarter)
    assert refused.value.code == "not_relative"


def test_refused_while_a_review_of_the_group_is_not_scored(fresh_quarter, personas, departments):
    relative(fresh_quarter)
    scored(personas, actual="90", director=5, hr=5, name="head")  # the employee: a draft
    with pytest.raises(Conflict) as refused:
        lock_sales(personas, departments, fresh_quarter)
    assert refused.value.code == "not_all_scored"
    assert review_of(personas, "head").grade_basis is None


def test_refused_twice_and_for_the_wrong_group(fresh_quarter, personas, departments):
    relative(fresh_quarter)
    two_scored(personas)
    with pytest.raises(ValidationFailed) as wrong:
        group_lock(actor=personas["director"], cycle=fresh_quarter, department=None, reason="x")
    assert (wrong.value.errors[0].field, wrong.value.errors[0].code) == (
        "department",
        "wrong_group",
    )
    lock_sales(personas, departments, fresh_quarter)
    with pytest.raises(Conflict) as again:
        lock_sales(personas, departments, fresh_quarter)
    assert again.value.code == "already_locked"


def test_a_relative_review_is_approved_only_once_its_group_is_locked(
    fresh_quarter, personas, departments
):
    relative(fresh_quarter)
    _head, employee = two_scored(personas)
    with pytest.raises(Conflict) as refused:
        services.review_approve(actor=personas["director"], review=employee)
    assert refused.value.code == "group_not_locked"
    lock_sales(personas, departments, fresh_quarter)
    approved = services.review_approve(actor=personas["director"], review=review_of(personas))
    result = ApprovedResult.objects.get(review=approved)
    assert (result.grade, result.pay_coefficient) == ("B", Decimal("1.00"))
    assert result.grade_basis == approved.grade_basis
    assert basis(result.grade_basis)["basis"] == "relative"


def test_a_reopened_review_ranks_into_the_locked_seats(fresh_quarter, personas, departments):
    relative(fresh_quarter)
    two_scored(personas)
    lock_sales(personas, departments, fresh_quarter)
    director, hr = personas["director"], personas["hr"]
    services.review_approve(actor=director, review=review_of(personas, "head"))
    employee = services.review_approve(actor=director, review=review_of(personas))
    employee = services.review_reopen(actor=director, review=employee, reason="Figure was wrong")
    line = employee.kpi_lines.get()
    employee = services.review_set_figures(
        actor=hr, review=employee, figures={line.pk: {"actual": "120"}}
    )
    employee = services.review_submit(actor=hr, review=employee)
    assert services.review_score(review_id=employee.pk, revision=employee.revision)
    employee.refresh_from_db()
    # 120 → K 120, C 60: 108.00, above the head's locked 92.00: rank 1, the A seat.
    assert (employee.total_score, employee.grade) == (Decimal("108.00"), "A")
    assert (
        basis(employee.grade_basis)["rank"] == 1 and basis(employee.grade_basis)["rescored"] is True
    )
    assert review_of(personas, "head").grade == "A"  # nobody else changes
    scored_event = AuditEvent.objects.filter(review=employee, action="scored").last()
    assert scored_event is not None
    assert params(scored_event)["grade"] == "A"
    services.review_approve(actor=director, review=employee)
    result = ApprovedResult.objects.get(review=employee, version=2)
    assert (result.grade, basis(result.grade_basis)["rank"]) == ("A", 1)


def test_a_hard_limit_needs_a_written_reason_to_approve(fresh_quarter, personas):
    ScoringPolicy.objects.filter(cycle=fresh_quarter).update(max_share_c=40)
    _head, employee = two_scored(personas)  # employee C: 1 of SALES's 2 = 50 % > 40 %
    with pytest.raises(ValidationFailed) as refused:
        services.review_approve(actor=personas["director"], review=employee)
    error = refused.value.errors[0]
    assert (error.field, error.code) == ("reason", "hard_limit")
    assert "40%" in str(error.message)
    assert review_of(personas).state == Review.State.SCORED
    services.review_approve(
        actor=personas["director"], review=review_of(personas), reason="Agreed with HR"
    )
    event = AuditEvent.objects.filter(review=employee, action="state").last()
    assert event is not None
    assert (params(event)["to"], event.reason) == ("approved", "Agreed with HR")
