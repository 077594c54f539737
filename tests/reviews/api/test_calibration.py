"""The calibration endpoints (reviews.api.calibration): the distribution of a quarter (HR and
the director) and the director's lock of a group, persona by persona; the approval's reason
past a hard limit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reviews.models import AuditEvent, CalibrationLock, Review, ScoringPolicy
from tests.helpers.api import API, error_of
from tests.helpers.quarters import review_of, scored

CALIBRATION = f"{API}cycles/2026Q3/calibration"
LOCKS = f"{CALIBRATION}/locks"

READ = {
    "hr": 200,
    "director": 200,
    "head": 403,
    "employee": 403,
    "other_employee": 403,
    "outsider": 404,
    None: 401,
    "token:payroll": 403,
}
LOCK = {**READ, "hr": 403, "director": 201}


def params(event: AuditEvent | None) -> dict[str, Any]:
    assert event is not None and event.params is not None
    return dict(event.params)


def basis(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict)
    return value


def relative(cycle, **settings):
    ScoringPolicy.objects.filter(cycle=cycle).update(
        grading="relative", relative_min_group=1, **settings
    )


def two_scored(personas):
    scored(personas, actual="90", director=5, hr=5, name="head")  # 92.00, A
    scored(personas, actual="70", director=3, hr=3)  # 68.00, C


@pytest.mark.parametrize(("persona", "status"), READ.items())
def test_who_reads_the_distribution(fresh_quarter, call_as, persona, status):
    response = call_as(persona, "GET", CALIBRATION)
    assert response.status_code == status


def test_the_distribution_of_each_group(fresh_quarter, personas, call_as):
    ScoringPolicy.objects.filter(cycle=fresh_quarter).update(max_share_c=40)
    two_scored(personas)
    body = call_as("director", "GET", CALIBRATION).json()
    assert (body["grading"], body["grading_group"], body["tolerance"]) == (
        "absolute",
        "department",
        "5.00",
    )
    sales = next(g for g in body["departments"] if g["department"] == "SALES")
    shares = {row["grade"]: row for row in sales["shares"]}
    assert shares["C"] == {
        "grade": "C",
        "count": 1,
        "share": "50.00",
        "guideline": 20,
        "least": None,
        "most": 40,
        "off_guideline": True,
        "beyond_limit": True,
    }
    assert (sales["size"], sales["graded"], sales["lock"], sales["ranked"]) == (2, 2, None, False)
    assert body["division"]["key"] == "quarter" and body["division"]["department"] is None


@pytest.mark.parametrize(("persona", "status"), LOCK.items())
def test_who_locks_a_group(fresh_quarter, personas, call_as, persona, status):
    relative(fresh_quarter)
    two_scored(personas)
    response = call_as(persona, "POST", LOCKS, {"department": "SALES", "reason": "校准"})
    assert response.status_code == status, response.content
    assert CalibrationLock.objects.exists() == (status == 201)


def test_the_lock_grades_the_group_and_answers_the_distribution(fresh_quarter, personas, call_as):
    relative(fresh_quarter)
    two_scored(personas)
    response = call_as("director", "POST", LOCKS, {"department": "SALES", "reason": "校准会议"})
    body = response.json()
    sales = next(g for g in body["departments"] if g["department"] == "SALES")
    assert sales["lock"]["seats"] == {"S": 0, "A": 1, "B": 1, "C": 0, "D": 0}
    assert (sales["lock"]["reason"], sales["lock"]["locked_by"]) == ("校准会议", "director")
    detail = call_as("director", "GET", f"{API}reviews/{review_of(personas).pk}/").json()
    assert detail["totals"]["grade"] == "B"
    assert detail["grade_provisional"] is False
    assert detail["grade_basis"]["rank"] == 2
    basis = detail["calculation"]["steps"][-1]
    assert (basis["kind"], basis["rule"], basis["params"]["grade"]) == ("basis", "relative", "B")


def test_before_the_lock_the_grade_is_provisional(fresh_quarter, personas, call_as):
    relative(fresh_quarter)
    two_scored(personas)
    detail = call_as("hr", "GET", f"{API}reviews/{review_of(personas).pk}/").json()
    assert detail["grade_provisional"] is True and detail["grade_basis"] is None
    assert detail["calculation"]["steps"][-1]["rule"] == "provisional"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"department": "SALES", "reason": ""}, 400, "invalid", "reason"),
        ({"department": "NOPE", "reason": "x"}, 400, "invalid", "department"),
        ({"reason": "x"}, 400, "invalid", "department"),
    ],
)
def test_a_bad_lock_is_refused(fresh_quarter, personas, call_as, body, status, code, field):
    relative(fresh_quarter)
    two_scored(personas)
    error = error_of(call_as("director", "POST", LOCKS, body), status, code)
    if field:
        assert field in [f["field"] for f in error["fields"]]
    assert not CalibrationLock.objects.exists()


def test_locks_refused_by_state(fresh_quarter, personas, call_as):
    two_scored(personas)
    body = {"department": "SALES", "reason": "x"}
    error_of(call_as("director", "POST", LOCKS, body), 409, "not_relative")
    relative(fresh_quarter)
    Review.objects.filter(employee__user=personas["employee"]).update(state="submitted")
    error_of(call_as("director", "POST", LOCKS, body), 409, "not_all_scored")


def test_approving_past_a_hard_limit_needs_a_reason(fresh_quarter, personas, call_as):
    ScoringPolicy.objects.filter(cycle=fresh_quarter).update(max_share_c=40)
    two_scored(personas)
    url = f"{API}reviews/{review_of(personas).pk}/approve"
    error = error_of(call_as("director", "POST", url), 400)
    assert [(f["field"], f["code"]) for f in error["fields"]] == [("reason", "hard_limit")]
    response = call_as("director", "POST", url, {"reason": "经人力资源部同意"})
    assert response.status_code == 200
    event = AuditEvent.objects.filter(review=review_of(personas), action="state").last()
    assert event is not None
    assert event.reason == "经人力资源部同意"
    assert review_of(personas).pay_coefficient == Decimal("0.90")
